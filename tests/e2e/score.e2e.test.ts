import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { runs } from './chat-page'
import { openApp, type EngineWatcher, type ServeProcess, useAppUnderTest } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const text = 'The cat sat on the mat. Attention lets every token look at the tokens before it.'
const meanLoss = (probs: number[]) => probs.reduce((sum, p) => sum - Math.log(p), 0) / probs.length

describe('Score a text', () => {
  it('shows every token’s probability, the perplexity, a span’s loss table, and branches into Completion', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-score]')
    await page.fill('[data-testid=score-input]', text)
    const before = runs(watcher.events).length
    await page.locator('[data-testid=score-button]:enabled').click()
    await page.locator('[data-testid=score-state][data-phase=ended]').waitFor()
    const run = runs(watcher.events)[before]!
    expect(run.end?.kind === 'ended' && run.end.reason).toBe('end-of-generation')
    const probs = run.tokens.map((t) => t.modelProb)

    // One chip per scored token, with the engine's numbers; the perplexity is e^(mean −ln p).
    const chips = page.locator('[data-testid=score-chip]')
    expect(await chips.count()).toBe(run.tokens.length)
    expect(
      await chips.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-rank')))),
    ).toEqual(run.tokens.map((t) => t.rank))
    const perplexity = Number(
      await page.getAttribute('[data-testid=score-perplexity]', 'data-value'),
    )
    expect(perplexity).toBeCloseTo(Math.exp(meanLoss(probs)), 9)
    // The status bar shows this reading's numbers, not the last Completion run's.
    const live = page.locator('[data-testid=live-stats]')
    expect(await live.getAttribute('data-owner')).toBe('score')
    expect(await live.getAttribute('data-generated')).toBe(
      String(run.end?.kind === 'ended' ? run.end.stats.generatedTokens : -1),
    )

    await page.click('[data-testid=score-mode-rank]')
    await page.locator('[data-testid=rank-legend]').waitFor()

    // A span: its loss table lists each token and the span's mean loss.
    await chips.nth(3).click()
    await chips.nth(8).click({ modifiers: ['Shift'] })
    await expect.poll(() => page.locator('[data-testid=loss-row]').count()).toBe(6)
    expect(Number(await page.getAttribute('[data-testid=span-loss]', 'data-value'))).toBeCloseTo(
      meanLoss(probs.slice(3, 9)),
      9,
    )

    // The inspector on token 8: an alternative continues the text before it in Completion.
    const step = run.tokens[8]!
    const alternative = step.alternatives.find((a) => a.id !== step.id)!
    const runsBefore = runs(watcher.events).length
    await page
      .locator(
        `[data-testid=alternative-row][data-token-id="${alternative.id}"] [data-testid=branch-from-alternative]`,
      )
      .click()
    await expect.poll(() => runs(watcher.events).length).toBe(runsBefore + 1)
    const prefix = run.tokens
      .slice(0, 8)
      .map((t) => t.text)
      .join('')
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe(
      text.slice(0, text.indexOf(prefix) + prefix.length) + alternative.text,
    )
    await context.close()
  })
})
