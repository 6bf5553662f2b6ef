import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { runs } from './chat-page'
import {
  generate,
  openApp,
  setSettings,
  waitForModel,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const chipIds = (page: Page) =>
  page
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))

describe('Continue in Completion', () => {
  it('appends to the shown text from the cache, as one longer run would, and keeps it after a reload', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 16 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const long = runs(watcher.events).at(-1)!
    expect(long.tokens).toHaveLength(16)

    await setSettings(page, { 'max-tokens': 8 })
    await page.locator('[data-testid=generate-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).at(-1)?.end !== undefined).toBe(true)
    await expect.poll(() => chipIds(page)).toHaveLength(8)
    const first = runs(watcher.events).at(-1)!
    expect(first.runId).not.toBe(long.runId)

    const before = runs(watcher.events).length
    await page.locator('[data-testid=continue-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    await expect.poll(() => runs(watcher.events).at(-1)?.end !== undefined).toBe(true)
    const continued = runs(watcher.events).at(-1)!
    // The engine was handed the shown text as forced tokens and reused their cache.
    expect(continued.started?.forced.map((t) => t.id)).toEqual(first.tokens.map((t) => t.id))
    expect(
      continued.end?.kind === 'ended' && continued.end.stats.reusedPromptTokens,
    ).toBeGreaterThan(0)
    // Greedy: eight and eight more are the sixteen of one run.
    const ids = long.tokens.map((t) => t.id)
    await expect.poll(() => chipIds(page)).toEqual(ids)
    await page.locator('[data-testid=branch-continued]').waitFor()

    await page.reload()
    await waitForModel(page)
    await expect.poll(() => chipIds(page)).toEqual(ids)
    await context.close()
  })
})
