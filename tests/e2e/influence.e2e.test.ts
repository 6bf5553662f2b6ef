import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { RunEvent } from '../../src/shared/contract'
import { openApp, type EngineWatcher, type ServeProcess, useAppUnderTest } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

// About 30 tokens on the demo model's tokenizer.
const text =
  'The model reads a text one token at a time, and each next token gets a probability from all of the tokens that came before it in the text.'

describe('Token influence in Score', () => {
  it('measures a selected token’s influence map on a scored text and shows it as a heatmap', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-score]')
    await page.fill('[data-testid=score-input]', text)
    await page.locator('[data-testid=score-button]:enabled').click()
    await page.locator('[data-testid=score-state][data-phase=ended]').waitFor()
    const chips = page.locator('[data-testid=score-chip]')
    const count = await chips.count()
    expect(count).toBeGreaterThanOrEqual(28)

    // The last token; removing up to 32 tokens covers everything before it.
    await chips.nth(count - 1).click()
    await page.locator('[data-testid=influence-explainer]').waitFor()
    await page.fill('[data-testid=influence-window]', '32')
    const seen = watcher.events.length
    await page.locator('[data-testid=influence-button]:enabled').click()
    await page.locator('[data-testid=influence-state][data-phase=ended]').waitFor()

    const mine = watcher.events
      .slice(seen)
      .filter((e): e is Extract<RunEvent, { kind: 'influence' }> => e.kind === 'influence')
    const first = mine[0]!
    const position = first.context!.length - 1
    const items = mine.flatMap((e) => e.items)
    expect(items).toHaveLength(Math.min(32, position))
    const cost = mine[mine.length - 1]!.cost
    expect(
      Number(await page.getAttribute('[data-testid=influence-cost]', 'data-evaluations')),
    ).toBe(cost.evaluations)
    expect(cost.evaluations).toBe(items.length + 1)
    expect(cost.evaluatedTokens).toBeLessThan(cost.withoutReuse)

    // One tinted chip per removed token, with the engine's numbers; on the bigram demo model
    // only the token right before the selected one moves its probability.
    const heat = page.locator('[data-testid=influence-chip][data-change]')
    expect(await heat.count()).toBe(items.length)
    const shown = await heat.evaluateAll((els) =>
      els.map((el) => ({
        at: Number(el.getAttribute('data-position')),
        change: Number(el.getAttribute('data-change')),
        background: el.getAttribute('style') ?? '',
      })),
    )
    for (const chip of shown) {
      const item = items.find((i) => i.position === chip.at)!
      expect(chip.change).toBe(item.change)
      if (chip.at === position - 1) {
        expect(Math.abs(chip.change)).toBeGreaterThan(1e-3)
        expect(chip.background).toMatch(/background-color: rgba\(/)
      } else {
        expect(Math.abs(chip.change)).toBeLessThanOrEqual(1e-6)
        expect(chip.background).toMatch(/transparent/)
      }
    }
    await page.locator('[data-testid=influence-target]').waitFor()
    // The strongest effects list only tokens that changed anything: here, the preceding one.
    await expect.poll(() => page.locator('[data-testid=influence-top] tr').count()).toBe(1)
    await context.close()
  })

  it('shows progress, holds the engine and stops when asked', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-score]')
    await page.fill(
      '[data-testid=score-input]',
      'Every token looks back at the ones before it. '.repeat(50),
    )
    await page.locator('[data-testid=score-button]:enabled').click()
    await page.locator('[data-testid=score-state][data-phase=ended]').waitFor()
    const chips = page.locator('[data-testid=score-chip]')
    await chips.nth((await chips.count()) - 1).click()
    await page.fill('[data-testid=influence-window]', '256')
    await page.locator('[data-testid=influence-button]:enabled').click()
    // 256 removals re-read some 33,000 tokens: it is still going when Stop is pressed.
    await page.locator('[data-testid=influence-state][data-phase=running]').waitFor()
    expect(await page.getAttribute('[data-testid=score-button]', 'title')).toMatch(
      /Token influence is being measured/,
    )
    expect(await page.locator('[data-testid=score-button]').isDisabled()).toBe(true)
    await page.click('[data-testid=influence-stop]')
    await page
      .locator('[data-testid=influence-state][data-phase=ended][data-stop-reason=cancelled]')
      .waitFor()
    expect(await page.locator('[data-testid=influence-state]').textContent()).toMatch(
      /Stopped after \d+ of 256 tokens/,
    )
    // The engine is free again.
    await page.locator('[data-testid=score-button]:enabled').waitFor()
    await context.close()
  })
})
