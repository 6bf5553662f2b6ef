import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openChat, replies, runs, send, waitForReplies, waitForSaved } from './chat-page'
import {
  openApp,
  setSettings,
  useAppUnderTest,
  waitForModel,
  withLongContext,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const generated = async (page: Page) =>
  Number(await page.locator('[data-testid=live-stats]').getAttribute('data-generated'))

async function promptCount(page: Page): Promise<number> {
  const count = page.locator('[data-testid=prompt-token-count][data-current]')
  await count.waitFor()
  return Number(await count.getAttribute('data-count'))
}

describe('where you are: status bar, live counts, no-model banner', () => {
  it("the status bar's count follows a Chat run as it streams", () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await openChat(page)
      await page.keyboard.press('Alt+n')
      // Greedy: the demo model's reply then runs until it is stopped (at temperature 1 it could
      // end by itself before the count was checked).
      await setSettings(page, { temperature: 0, 'max-tokens': 8192 })
      await page.fill('[data-testid=chat-input]', 'How does the model pick the next word?')
      await page.press('[data-testid=chat-input]', 'Enter')
      const live = page.locator('[data-testid=live-stats][data-owner=chat][data-active]')
      await live.waitFor({ timeout: 60_000 })
      await expect.poll(() => generated(page), { timeout: 30_000 }).toBeGreaterThan(0)
      const first = await generated(page)
      await expect.poll(() => generated(page), { timeout: 30_000 }).toBeGreaterThan(first)
      expect(await live.count()).toBe(1)
      await page.click('[data-testid=chat-stop-button]')
      await waitForReplies(page, 1)
      const after = page.locator('[data-testid=live-stats][data-owner=chat]:not([data-active])')
      await after.waitFor()
      expect(await generated(page)).toBe(runs(watcher.events).at(-1)?.tokens.length)
      await context.close()
    }))

  it('counts tokens as the prompt is typed', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.fill('[data-testid=prompt-input]', 'The model')
    const short = await promptCount(page)
    expect(short).toBeGreaterThan(0)
    await page.locator('[data-testid=prompt-input]').pressSequentially(' predicts the next token')
    await expect.poll(() => promptCount(page)).toBeGreaterThan(short)
    const exact = await watcher.bridge.tokenize({
      text: await page.inputValue('[data-testid=prompt-input]'),
    })
    expect(await promptCount(page)).toBe(exact.length)
    await context.close()
  })

  it('refuses a prompt longer than the context before Generate, and keeps it', async () => {
    await watcher.bridge.loadModel({ source: { kind: 'demo' }, contextSize: 256 })
    try {
      const { context, page } = await openApp(browser, serve.url)
      const long = 'The model reads tokens and predicts the next one. '.repeat(40)
      await page.fill('[data-testid=prompt-input]', long)
      const refusal = page.locator('[data-testid=prompt-too-long]')
      await refusal.waitFor()
      expect(await refusal.textContent()).toMatch(/^The prompt is [\d,]+ tokens but the context/)
      const button = page.locator('[data-testid=generate-button]')
      expect(await button.isDisabled()).toBe(true)
      expect(await button.getAttribute('title')).toContain('the context holds 256')
      await page.press('[data-testid=prompt-input]', 'Control+Enter')
      expect(await page.inputValue('[data-testid=prompt-input]')).toBe(long)
      expect(await page.locator('[data-testid=run-state]').textContent()).toBe('idle')
      // Shortened, it may run.
      await page.fill('[data-testid=prompt-input]', 'The model')
      await page.locator('[data-testid=generate-button]:enabled').waitFor()
      expect(await refusal.count()).toBe(0)
      await context.close()
    } finally {
      await watcher.bridge.loadModel({ source: { kind: 'demo' } })
    }
  })

  it('with no model, each view says so and its button goes to Models', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await watcher.bridge.unloadModel()
    try {
      const banner = page.locator('[data-testid=no-model-banner]')
      await banner.waitFor()
      expect(await page.getAttribute('[data-testid=generate-button]', 'title')).toBe(
        'No model is loaded: load one in Models',
      )
      await openChat(page)
      await banner.waitFor()
      await page.fill('[data-testid=chat-input]', 'Still here?')
      expect(await page.getAttribute('[data-testid=send-button]', 'title')).toBe(
        'No model is loaded: load one in Models',
      )
      await page.click('[data-testid=no-model-go]')
      await page.locator('[data-testid=nav-models][aria-current=page]').waitFor()
      expect(await banner.count()).toBe(0)
      await openChat(page)
      expect(await page.inputValue('[data-testid=chat-input]')).toBe('Still here?')
    } finally {
      await watcher.bridge.loadModel({ source: { kind: 'demo' } })
    }
    await waitForModel(page)
    expect(await page.locator('[data-testid=no-model-banner]').count()).toBe(0)
    await context.close()
  })

  it('a reopened chat keeps its system/earlier split and its dropped-turn notice', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await page.keyboard.press('Alt+n')
    await page.click('[data-testid=system-toggle]')
    await page.fill('[data-testid=system-input]', 'You explain how language models work.')
    await setSettings(page, { temperature: 0, 'max-tokens': 10 })
    const long = 'The model reads tokens and predicts the next one. '.repeat(60)
    await send(page, long, 1)
    // A reply room of half the context drops the first turn. Greedy, the demo model would then
    // fill the context (seconds of work on a busy machine), so the reply is stopped once it streams.
    await setSettings(page, { 'max-tokens': 8192 })
    await page.fill('[data-testid=chat-input]', long)
    await page.press('[data-testid=chat-input]', 'Enter')
    await page.locator('[data-testid=live-stats][data-owner=chat][data-active]').waitFor()
    await expect.poll(() => generated(page), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.click('[data-testid=chat-stop-button]')
    await waitForReplies(page, 2)
    const started = runs(watcher.events).at(-1)?.started
    if (started?.kind !== 'started') throw new Error('no run')
    const gauge = page.locator('[data-testid=chat-context-gauge]')
    const split = async () => ({
      system: Number(await gauge.getAttribute('data-system')),
      history: Number(await gauge.getAttribute('data-history')),
    })
    const live = await split()
    expect(live).toEqual({ system: started.parts.system, history: started.parts.history })
    expect(live.system).toBeGreaterThan(0)
    const notice = await page.locator('[data-testid=dropped-notice]').textContent()
    expect(notice).toContain('oldest messages no longer fit')
    await waitForSaved(page)

    await page.reload()
    await waitForModel(page)
    await replies(page).nth(1).waitFor()
    expect(await split()).toEqual(live)
    expect(await page.locator('[data-testid=dropped-notice]').textContent()).toBe(notice)
    await context.close()
  })
})

describe('sessions and keys', () => {
  it('finds a chat by a word of its reply, and marks it', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await page.keyboard.press('Alt+n')
    await setSettings(page, { temperature: 0, 'max-tokens': 40 })
    await send(page, 'What is top-p?', 1)
    await waitForSaved(page)
    const reply = runs(watcher.events)
      .at(-1)
      ?.tokens.filter((t) => t.segment !== 'thought')
      .map((t) => t.text)
      .join('')
    const word = (reply ?? '')
      .split(/[^A-Za-z]+/)
      .filter((w) => w.length >= 5 && !'What is top-p?'.toLowerCase().includes(w.toLowerCase()))
      .at(0)
    if (!word) throw new Error(`no long word in the reply: ${reply}`)
    const id = await page
      .locator('[data-testid=session-open][aria-current=true]')
      .evaluate((el) => el.closest('[data-session-id]')?.getAttribute('data-session-id') ?? '')
    await page.fill('[data-testid=session-search]', word)
    const row = page.locator(`[data-testid=session-row][data-session-id="${id}"]`)
    const excerpt = row.locator('[data-testid=session-excerpt]')
    await excerpt.waitFor()
    expect((await excerpt.locator('mark').first().textContent())?.toLowerCase()).toBe(
      word.toLowerCase(),
    )
    await page.fill('[data-testid=session-search]', `${word} zzqx`)
    await page.locator('[data-testid=session-row]').first().waitFor({ state: 'detached' })
    await context.close()
  })

  it('opens the shortcuts sheet on ?, but not while typing, and New follows the tab', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.fill('[data-testid=prompt-input]', 'Why?')
    await page.press('[data-testid=prompt-input]', '?')
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe('Why??')
    expect(await page.locator('[data-testid=shortcuts-sheet]').count()).toBe(0)
    await page.locator('[data-testid=prompt-input]').blur()
    await page.keyboard.press('?')
    const sheet = page.locator('[data-testid=shortcuts-sheet]')
    await sheet.waitFor()
    expect(await sheet.textContent()).toContain('Alt N')
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })

    const button = page.locator('[data-testid=new-session]')
    expect(await button.textContent()).toContain('New completion')
    await page.locator('[data-testid=nav-compare]').click()
    await page.locator('[data-testid=new-session][data-kind=compare]').waitFor()
    await openChat(page)
    expect(await button.textContent()).toContain('New chat')
    await context.close()
  })
})
