import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Browser } from 'playwright-core'
import type { GeneratedToken, RunEvent } from '../../src/shared/contract'
import { textStats } from '../../src/shared/run-stats'
import {
  openApp,
  type ServeProcess,
  useAppUnderTest,
  type EngineWatcher,
  withLongContext,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const column = (page: Page, index: number) => page.locator(`[data-testid=compare-column-${index}]`)

async function openCompare(page: Page): Promise<void> {
  await page.click('[data-testid=nav-compare]')
  await page.locator('[data-testid=compare-prompt-input]').waitFor()
}

async function setColumn(page: Page, index: number, values: Record<string, number>) {
  // A run folds the settings away; open them again as a person would.
  const settings = column(page, index).locator('[data-testid=column-settings]')
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
  for (const [name, value] of Object.entries(values)) {
    await page.fill(`[data-testid=compare-${name}-input-${index}]`, String(value))
  }
}

/** Records, in the page, every distinct (column state, chip count) of the first two columns. */
async function recordColumns(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    interface El {
      textContent: string | null
      querySelector(selector: string): El | null
      querySelectorAll(selector: string): { length: number }
    }
    const g = globalThis as unknown as {
      document: { body: unknown; querySelector(selector: string): El | null }
      MutationObserver: new (callback: () => void) => {
        observe(target: unknown, options: Record<string, boolean>): void
      }
      __columnSnapshots?: string[]
    }
    const seen: string[] = []
    const snap = () => {
      const parts = [0, 1].map((i) => {
        const el = g.document.querySelector(`[data-testid=compare-column-${i}]`)
        const state = el?.querySelector('[data-testid=column-state]')?.textContent ?? ''
        const chips = el?.querySelectorAll('[data-testid=token-chip]').length ?? 0
        return `${state}:${chips}`
      })
      const line = parts.join(' ')
      if (seen[seen.length - 1] !== line) seen.push(line)
    }
    new g.MutationObserver(snap).observe(g.document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    })
    snap()
    g.__columnSnapshots = seen
  })
  return () =>
    page.evaluate(
      () => (globalThis as unknown as { __columnSnapshots?: string[] }).__columnSnapshots ?? [],
    )
}

function runOf(events: readonly RunEvent[], runId: string) {
  const mine = events.filter((e) => e.runId === runId)
  const tokens: GeneratedToken[] = mine.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
  const end = mine.find((e) => e.kind === 'ended')
  return { tokens, end: end?.kind === 'ended' ? end : undefined }
}

/** The `started` events of runs that began after `from` events had been seen. */
function startedSince(from: number) {
  return watcher.events
    .slice(from)
    .flatMap((e) => (e.kind === 'started' ? [e] : []))
    .sort((a, b) => a.sampling.temperature - b.sampling.temperature)
}

describe('Compare view in a real browser against `serve`', () => {
  it('generates two temperatures in parallel, streams both, shows their stats, copies settings', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openCompare(page)
    expect(await page.locator('[data-testid=compare-intro]').textContent()).toMatch(/Compare/)
    await page.fill('[data-testid=compare-prompt-input]', 'The model predicts')
    // A kept seed (shared by the columns): a drawn one could end the hot column after a batch,
    // too soon to be seen streaming.
    await setColumn(page, 0, { temperature: 0, 'max-tokens': 300, seed: 42 })
    await setColumn(page, 1, { temperature: 1.5, 'max-tokens': 300, 'top-k': 0 })
    await page.click('[data-testid=compare-options-toggle]')
    await page.check('[data-testid=keep-seeds]')
    const snapshots = await recordColumns(page)
    const before = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    for (const i of [0, 1]) {
      await column(page, i)
        .locator('[data-testid=column-state]:text-matches("ended|failed")')
        .waitFor({ timeout: 90_000 })
    }

    // One generateMany: two runs with the two temperatures, both ended.
    const started = startedSince(before)
    expect(started.map((s) => s.sampling.temperature)).toEqual([0, 1.5])
    expect(started[1]?.sampling.topK).toBe(0)
    expect(started.map((s) => s.sampling.seed)).toEqual([42, 42])

    // Both columns showed tokens while they were still running.
    const seen = await snapshots()
    for (const i of [0, 1]) {
      const live = seen
        .map((line) => line.split(' ')[i] ?? '')
        .filter((part) => part.startsWith('running:') && part !== 'running:0')
      expect(live.length, `column ${i} streamed`).toBeGreaterThanOrEqual(1)
    }

    for (const [i, start] of started.entries()) {
      const run = runOf(watcher.events, start.runId)
      expect(run.end).toBeDefined()
      const col = column(page, i)
      const ids = await col
        .locator('[data-testid=token-chip]')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))
      expect(ids).toEqual(run.tokens.map((t) => t.id))
      const expected = textStats(run.tokens)
      expect(await col.locator('[data-testid=stat-tokens]').textContent()).toBe(
        String(run.tokens.length),
      )
      expect(await col.locator('[data-testid=stat-perplexity]').textContent()).toBe(
        expected.perplexity?.toFixed(2),
      )
      expect(await col.locator('[data-testid=stat-logprob]').textContent()).toBe(
        expected.meanLogProb?.toFixed(3),
      )
      expect(await col.locator('[data-testid=stat-stop-reason]').getAttribute('data-reason')).toBe(
        run.end?.reason,
      )
      expect(await col.locator('[data-testid=stat-rate]').textContent()).toMatch(/tok\/s/)
      expect(
        Number(await col.locator('[data-testid=probability-chart]').getAttribute('data-bars')),
      ).toBeGreaterThan(0)
    }

    // The second column's settings become the Completion tab's.
    await column(page, 1).locator('[data-testid=use-settings]').click()
    await page.locator('[data-testid=compare-toast]').waitFor()
    await page.click('[data-testid=nav-completion]')
    await page.locator('[data-testid=temperature-input]').waitFor()
    expect(await page.inputValue('[data-testid=temperature-input]')).toBe('1.5')
    expect(await page.inputValue('[data-testid=top-k-input]')).toBe('0')
    expect(await page.inputValue('[data-testid=max-tokens-input]')).toBe('300')

    // The comparison is kept while the user looks at another tab.
    await page.click('[data-testid=nav-compare]')
    // The view mounts again and renders its chips in the next frames.
    await expect
      .poll(() => column(page, 0).locator('[data-testid=token-chip]').count())
      .toBe(runOf(watcher.events, started[0]?.runId ?? '').tokens.length)
    await context.close()
  })

  it('lets a short column end on its own while the other goes on, then stops it', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await openCompare(page)
      await page.fill('[data-testid=compare-prompt-input]', 'A token is')
      // Greedy decoding makes the demo model loop instead of ending: a run that lasts.
      await setColumn(page, 0, { temperature: 0, 'max-tokens': 4 })
      await setColumn(page, 1, { temperature: 0, 'max-tokens': 8192 })
      await page.locator('[data-testid=compare-generate]:enabled').click()

      const short = column(page, 0)
      const long = column(page, 1)
      await short.locator('[data-testid=stat-stop-reason][data-reason=max-tokens]').waitFor()
      await page.locator('[data-testid=compare-stop]').click()
      await long.locator('[data-testid=stat-stop-reason][data-reason]').waitFor({ timeout: 90_000 })
      expect(await long.locator('[data-testid=stat-stop-reason]').getAttribute('data-reason')).toBe(
        'cancelled',
      )
      expect(await short.locator('[data-testid=token-chip]').count()).toBe(4)
      const longCount = await long.locator('[data-testid=token-chip]').count()
      expect(longCount).toBeGreaterThan(4)
      // The status bar counts what the columns made together.
      const live = page.locator('[data-testid=live-stats][data-owner=compare]:not([data-active])')
      await expect.poll(() => live.getAttribute('data-generated')).toBe(String(4 + longCount))

      // Re-running one column generates that column alone.
      const before = watcher.events.length
      await setColumn(page, 0, { 'max-tokens': 6 })
      await short.locator('[data-testid=rerun-column]:enabled').click()
      await short.locator('[data-testid=stat-stop-reason][data-reason=max-tokens]').waitFor()
      await short.locator('[data-testid=column-state]:text-is("ended")').waitFor()
      expect(startedSince(before)).toHaveLength(1)
      expect(await short.locator('[data-testid=token-chip]').count()).toBe(6)
      // The column that ran alone, without the other column's earlier run.
      await expect.poll(() => live.getAttribute('data-generated')).toBe('6')
      await context.close()
    }))

  it('answers one chat message in 3 swept columns, with the chat template', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openCompare(page)
    await page.click('[data-testid=compare-input-chat]')
    await page.fill('[data-testid=compare-system-input]', 'You are terse.')
    await page.fill('[data-testid=compare-prompt-input]', 'What is a token?')
    await page.click('[data-testid=add-column]')
    await page.click('[data-testid=compare-options-toggle]')
    await page.selectOption('[data-testid=sweep-param]', 'temperature')
    await page.fill('[data-testid=sweep-from]', '0.1')
    await page.fill('[data-testid=sweep-to]', '0.9')
    await page.click('[data-testid=sweep-apply]')
    for (const [i, value] of ['0.1', '0.5', '0.9'].entries()) {
      expect(await page.inputValue(`[data-testid=compare-temperature-input-${i}]`)).toBe(value)
      await setColumn(page, i, { 'max-tokens': 20 })
    }
    const before = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    for (const i of [0, 1, 2]) {
      // A column that failed says why, instead of leaving the test to time out.
      const state = column(page, i).locator('[data-testid=column-state]')
      await column(page, i)
        .locator('[data-testid=column-state]:text-matches("ended|failed")')
        .waitFor({ timeout: 90_000 })
      expect(await state.textContent(), await column(page, i).innerText()).toBe('ended')
      await column(page, i)
        .locator('[data-testid=stat-stop-reason][data-reason]')
        // The statistics are folded: the reason is there, not shown.
        .waitFor({ state: 'attached' })
    }
    const started = startedSince(before)
    expect(started.map((s) => s.sampling.temperature)).toEqual([0.1, 0.5, 0.9])
    for (const s of started) expect(s.parts.template).not.toBeNull()
    await context.close()
    // Three chat replies side by side: on a loaded 2-core machine this takes over a minute.
  }, 150_000)
  it('offers one preset list, the user’s own included, and names a column by its values', async () => {
    const { context, page } = await openApp(browser, serve.url)
    // A preset saved in the Completion tab's sampling panel.
    await page.click('[data-testid=nav-completion]')
    await page.fill('[data-testid=temperature-input]', '0.6')
    await page.fill('[data-testid=top-k-input]', '9')
    await page.click('[data-testid=preset-new]')
    await page.fill('[data-testid=preset-name-input]', 'Nine')
    await page.click('[data-testid=preset-save]')

    await openCompare(page)
    const label = (i: number) => page.locator(`[data-testid=compare-preset-label-${i}]`)
    const select = (i: number) => page.locator(`[data-testid=compare-preset-${i}]`)
    expect(await label(0).textContent()).toBe('Greedy')
    await setColumn(page, 0, { temperature: 0.5 })
    expect(await label(0).textContent()).toBe('Custom')
    // Typed value by value, the column holds exactly the Balanced settings: it says so.
    await setColumn(page, 0, { temperature: 0.8, 'top-k': 40, 'top-p': 0.95, 'min-p': 0.05 })
    expect(await label(0).textContent()).toBe('Balanced')
    expect(await select(0).inputValue()).toBe('Balanced')

    const names = await select(1).locator('option').allTextContents()
    expect(names).toEqual(['Custom', 'Greedy', 'Precise', 'Balanced', 'Creative', 'Wild', 'Nine'])
    await select(1).selectOption('Nine')
    expect(await label(1).textContent()).toBe('Nine')
    expect(await page.inputValue('[data-testid=compare-top-k-input-1]')).toBe('9')
    await context.close()
  })
})
