import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { GeneratedToken, RunEvent } from '../../src/shared/contract'
import {
  openApp,
  setSettings,
  waitForModel,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const replies = (page: Page) => page.locator('[data-testid=chat-message][data-role=assistant]')

async function send(page: Page, text: string, replyCount: number): Promise<void> {
  await page.fill('[data-testid=chat-input]', text)
  await page.locator('[data-testid=send-button]:enabled').waitFor()
  await page.press('[data-testid=chat-input]', 'Enter')
  await page
    .locator('[data-testid=reply-state][data-state=ended]')
    .nth(replyCount - 1)
    .waitFor({ timeout: 90_000 })
  await page.locator('[data-testid=send-button]').waitFor()
}

/** The engine's runs since `from`, each with its started event and its tokens. */
function runsSince(events: readonly RunEvent[], from: number) {
  const recent = events.slice(from)
  return [...new Set(recent.map((e) => e.runId))].map((runId) => {
    const mine = recent.filter((e) => e.runId === runId)
    const started = mine.find((e) => e.kind === 'started')
    const tokens: GeneratedToken[] = mine.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
    return { started: started?.kind === 'started' ? started : null, tokens }
  })
}

describe('Reasoning ("thinking") in Chat, in a real browser against `serve`', () => {
  it('shows the thought apart, folded once the answer starts, counted, inspectable and saved', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.locator('[data-testid=nav-chat]').click()
    await page.locator('[data-testid=chat-input]').waitFor()
    await setSettings(page, { temperature: 0, 'max-tokens': 48 })
    const before = watcher.events.length
    await send(page, 'What is a token?', 1)

    const [run] = runsSince(watcher.events, before)
    const thoughtTokens = run?.tokens.filter((t) => t.segment === 'thought') ?? []
    expect(thoughtTokens.length).toBeGreaterThan(2)
    expect(thoughtTokens.slice(-2).map((t) => t.text)).toEqual(['</think>', '\n'])

    const reply = replies(page).first()
    const thought = reply.locator('[data-testid=thought]')
    // The answer has started, so the thought is folded away, with its own count.
    expect(await thought.getAttribute('data-open')).toBe('false')
    expect(await thought.locator('[data-testid=thought-count]').textContent()).toBe(
      `${thoughtTokens.length} tokens`,
    )
    expect(await thought.locator('[data-testid=token-chip]:visible').count()).toBe(0)
    const answerChips = reply.locator('[data-testid=token-chip]:visible')
    expect(await answerChips.count()).toBe((run?.tokens.length ?? 0) - thoughtTokens.length)

    // Unfolded, the thought's chips inspect like any other.
    await thought.locator('[data-testid=thought-toggle]').click()
    expect(await thought.getAttribute('data-open')).toBe('true')
    const inspected = thoughtTokens[1]
    if (!inspected) throw new Error('the thought has no second token')
    await thought.locator('[data-testid=token-chip]').nth(1).hover()
    const details = page.locator('[data-testid=token-details]')
    await details.waitFor()
    expect(await details.locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(inspected.id),
    )
    expect(
      await details.locator('[data-testid=detail-model-prob]').getAttribute('data-value'),
    ).toBe(String(inspected.modelProb))

    // The next turn sends the answer only, as reasoning templates expect.
    const second = watcher.events.length
    await send(page, 'What is top-p?', 2)
    const [next] = runsSince(watcher.events, second)
    const promptText = next?.started?.prompt.map((t) => t.text).join('') ?? ''
    const answerText = (run?.tokens ?? [])
      .filter((t) => t.segment !== 'thought')
      .map((t) => t.text)
      .join('')
      .replace('<|im_end|>', '')
      .trim()
    expect(promptText).toContain(`<|im_start|>assistant\n${answerText}<|im_end|>`)
    expect(promptText.split('Hmm').length).toBe(1)

    // After a reload the thought is still apart, with the same count.
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 })
    await page.reload()
    await waitForModel(page)
    await replies(page).nth(1).waitFor()
    const restored = replies(page).first().locator('[data-testid=thought]')
    expect(await restored.locator('[data-testid=thought-count]').textContent()).toBe(
      `${thoughtTokens.length} tokens`,
    )
    expect(await restored.locator('[data-testid=token-chip]').count()).toBe(thoughtTokens.length)
    await context.close()
  })
})
