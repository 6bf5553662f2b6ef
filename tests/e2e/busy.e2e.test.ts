/**
 * The engine does one run (or one batch) at a time: while a comparison runs, Completion and Chat
 * cannot start theirs, say why, and can again once it stops.
 */
import type { Browser, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  openApp,
  useAppUnderTest,
  withLongContext,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const shots = process.env.TOKENSCOPE_SHOTS
const comparing = 'A comparison is running — stop it or wait'
const elsewhere = 'The engine is busy with a run from another tab or window — stop it or wait'
const generateButton = '[data-testid=generate-button]'

async function openTab(page: Page, tab: 'completion' | 'chat' | 'compare'): Promise<void> {
  await page.click(`[data-testid=nav-${tab}]`)
}

async function startLongComparison(page: Page): Promise<void> {
  await openTab(page, 'compare')
  await page.fill('[data-testid=compare-prompt-input]', 'A token is')
  for (const index of [0, 1]) {
    const settings = page.locator(
      `[data-testid=compare-column-${index}] [data-testid=column-settings]`,
    )
    if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
    // Greedy decoding makes the demo model loop instead of ending: a run that lasts.
    await page.fill(`[data-testid=compare-temperature-input-${index}]`, '0')
    await page.fill(`[data-testid=compare-max-tokens-input-${index}]`, '8192')
  }
  await page.locator('[data-testid=compare-generate]:enabled').click()
  await page.locator('[data-testid=compare-stop]').waitFor()
}

describe('one run at a time, across the views', () => {
  // Long runs: 8,192 tokens per column in a context that holds them (tens of seconds here).
  it('disables Generate and Send while a comparison runs, and enables them once it stops', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await startLongComparison(page)
      await openTab(page, 'completion')
      await page.fill('[data-testid=prompt-input]', 'The model predicts')
      await page.locator(`${generateButton}:disabled`).waitFor()
      expect(await page.getAttribute(generateButton, 'title')).toBe(comparing)
      expect(await page.textContent('[data-testid=generate-busy]')).toBe(comparing)
      if (shots) await page.screenshot({ path: `${shots}/completion-busy.png` })

      await openTab(page, 'chat')
      await page.fill('[data-testid=chat-input]', 'What is a token?')
      await page.locator('[data-testid=send-button]:disabled').waitFor()
      expect(await page.getAttribute('[data-testid=send-button]', 'title')).toBe(comparing)
      expect(await page.textContent('[data-testid=send-busy]')).toBe(comparing)
      // Enter does not send either: the message stays in the box.
      await page.press('[data-testid=chat-input]', 'Enter')
      expect(await page.inputValue('[data-testid=chat-input]')).toBe('What is a token?')
      if (shots) await page.screenshot({ path: `${shots}/chat-busy.png` })

      await openTab(page, 'compare')
      await page.click('[data-testid=compare-stop]')
      await page.locator('[data-testid=compare-generate]:enabled').waitFor({ timeout: 90_000 })
      await openTab(page, 'completion')
      await page.fill('[data-testid=prompt-input]', 'The model predicts')
      await page.locator(`${generateButton}:enabled`).waitFor()
      expect(await page.locator('[data-testid=generate-busy]').count()).toBe(0)
      expect(await page.getAttribute(generateButton, 'title')).toBeNull()
      // And it generates: no "A run is already in progress" refusal.
      await page.click(generateButton)
      await page.locator('[data-testid=run-state]:text-is("ended")').waitFor({ timeout: 90_000 })
      expect(await page.locator('[data-testid=error-banner]').count()).toBe(0)
      await context.close()
    }))

  // Long runs: 8,192 tokens per column in a context that holds them (tens of seconds here).
  it("waits for another window's run, then goes on", () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await page.fill('[data-testid=prompt-input]', 'The model predicts')
      await page.locator(`${generateButton}:enabled`).waitFor()
      const runId = 'other-window-run'
      await watcher.bridge.generate({
        runId,
        prompt: 'A token is',
        sampling: { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 },
        maxTokens: 8192,
        topN: 1,
      })
      await page.locator(`${generateButton}:disabled`).waitFor()
      expect(await page.textContent('[data-testid=generate-busy]')).toBe(elsewhere)
      await watcher.bridge.cancel({ runId })
      await page.locator(`${generateButton}:enabled`).waitFor({ timeout: 90_000 })
      await context.close()
    }))
})
