import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { openChat, replies, runs, send, waitForSaved } from './chat-page'
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

describe('Reasoning ("thinking") in Chat, in a real browser against `serve`', () => {
  it('shows the thought apart, folded once the answer starts, counted, inspectable and saved', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await setSettings(page, { temperature: 0, 'max-tokens': 48 })
    const before = watcher.events.length
    await send(page, 'What is a token?', 1)

    const [run] = runs(watcher.events.slice(before))
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
    const [next] = runs(watcher.events.slice(second))
    const promptText = next?.started?.prompt.map((t) => t.text).join('') ?? ''
    const answerText = (run?.tokens ?? [])
      .filter((t) => t.segment !== 'thought')
      .map((t) => t.text)
      .join('')
      .replace('<|im_end|>', '')
      .trim()
    expect(promptText).toContain(`<|im_start|>assistant\n${answerText}<|im_end|>`)
    const thoughtText = (run?.tokens ?? [])
      .filter((t) => t.segment === 'thought')
      .map((t) => t.text)
      .join('')
    expect(thoughtText.length).toBeGreaterThan(0)
    expect(promptText).not.toContain(thoughtText)

    // After a reload the thought is still apart, with the same count.
    await waitForSaved(page)
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
