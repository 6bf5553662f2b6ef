import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  generate,
  lastRun,
  openApp,
  setSettings,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const prompt = 'Attention lets every token look at the tokens before it, and'

describe('Completion scores its prompt on request', () => {
  it('tints every prompt token after the first with the engine’s probability, and shows its perplexity', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 4 })
    await generate(page, prompt)
    await waitForRunState(page, 'ended')
    const promptIds = lastRun(watcher.events).started.prompt.map((t) => t.id)
    const chips = page.locator('[data-testid=prompt-token-chip]')
    expect(await chips.count()).toBe(promptIds.length)
    expect(await chips.first().getAttribute('data-model-prob')).toBeNull()

    await page.locator('[data-testid=score-prompt]:enabled').click()
    const summary = page.locator('[data-testid=prompt-score-summary]')
    await summary.waitFor()
    const scored = lastRun(watcher.events)
    expect(scored.end?.kind).toBe('ended')
    expect(scored.tokens.map((t) => t.id)).toEqual(promptIds.slice(1))

    const shown = await chips.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-model-prob')),
    )
    expect(shown[0]).toBeNull()
    expect(shown.slice(1).map(Number)).toEqual(scored.tokens.map((t) => t.modelProb))
    const meanNats =
      scored.tokens.reduce((sum, t) => sum - Math.log(t.modelProb), 0) / scored.tokens.length
    expect(Number(await summary.getAttribute('data-perplexity'))).toBeCloseTo(Math.exp(meanNats), 9)
    expect(await summary.textContent()).toContain(`(${scored.tokens.length} tokens scored)`)

    // A new prompt is not the scored one: its chips are neutral until it is scored too.
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    expect(await chips.first().getAttribute('data-model-prob')).toBeNull()
    expect(await chips.nth(1).getAttribute('data-model-prob')).toBeNull()
    await page.locator('[data-testid=score-prompt]:enabled').waitFor()
    await context.close()
  })
})
