import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunEvent } from '../../src/shared/contract'
import { runs } from './chat-page'
import {
  openApp,
  waitForModel,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const column = (page: Page, index: number) => page.locator(`[data-testid=compare-column-${index}]`)

async function setColumn(page: Page, index: number, values: Record<string, number>) {
  const settings = column(page, index).locator('[data-testid=column-settings]')
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
  for (const [name, value] of Object.entries(values))
    await page.fill(`[data-testid=compare-${name}-input-${index}]`, String(value))
}

type Started = Extract<RunEvent, { kind: 'started' }>

/** Presses Generate and waits for both columns' runs to end; their runs, in column order. */
async function generateBoth(page: Page) {
  const before = runs(watcher.events).length
  await page.locator('[data-testid=compare-generate]:enabled').click()
  await expect.poll(() => runs(watcher.events).length).toBe(before + 2)
  await expect
    .poll(() =>
      runs(watcher.events)
        .slice(before)
        .every((run) => run.end !== undefined),
    )
    .toBe(true)
  return runs(watcher.events)
    .slice(before)
    .map((run) => ({ ...run, started: run.started as Started }))
}

const text = (run: { tokens: { text: string }[] }) => run.tokens.map((t) => t.text).join('')

describe('Compare: seeds per run and stop strings', () => {
  it('draws new seeds each Generate unless kept; kept seeds reproduce every column', async () => {
    const { context, page } = await openApp(browser, serve.url, { randomSeeds: true })
    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'The model predicts')
    for (const i of [0, 1]) await setColumn(page, i, { temperature: 1.2, 'max-tokens': 12 })
    const first = await generateBoth(page)
    const second = await generateBoth(page)
    // Same seed for all (the default): one new seed per press, shared by the columns.
    expect(first[0]!.started.sampling.seed).toBe(first[1]!.started.sampling.seed)
    expect(second[0]!.started.sampling.seed).not.toBe(first[0]!.started.sampling.seed)
    expect(text(second[0]!)).not.toBe(text(first[0]!))
    // The column shows the seed its run drew with.
    await setColumn(page, 0, {})
    expect(Number(await page.inputValue('[data-testid=compare-seed-input-0]'))).toBe(
      second[0]!.started.sampling.seed,
    )

    await page.click('[data-testid=compare-options-toggle]')
    await page.check('[data-testid=keep-seeds]')
    const third = await generateBoth(page)
    expect(third.map((r) => r.started.sampling.seed)).toEqual(
      second.map((r) => r.started.sampling.seed),
    )
    expect(third.map(text)).toEqual(second.map(text))

    // Each column its own seed: a new one each, unless kept.
    await page.uncheck('[data-testid=keep-seeds]')
    await page.uncheck('[data-testid=same-seed]')
    const fourth = await generateBoth(page)
    expect(fourth[0]!.started.sampling.seed).not.toBe(fourth[1]!.started.sampling.seed)
    await context.close()
  })

  it('ends every column at a stop string, and keeps the strings after a reload', async () => {
    const { context, page } = await openApp(browser, serve.url, { randomSeeds: true })
    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'A token is')
    for (const i of [0, 1]) await setColumn(page, i, { temperature: 0, 'max-tokens': 40 })
    const free = await generateBoth(page)
    const stop = free[0]!.tokens[4]!.text + free[0]!.tokens[5]!.text
    await page.click('[data-testid=compare-options-toggle]')
    await page.fill('[data-testid=compare-stop-strings]', stop.replace(/\n/g, '\\n'))
    const stopped = await generateBoth(page)
    for (const run of stopped) {
      expect(run.end?.kind === 'ended' && run.end.reason).toBe('stop-string')
      expect(text(run).includes(stop)).toBe(true)
      expect(text(free[0]!).startsWith(text(run))).toBe(true)
    }
    await page.reload()
    await waitForModel(page)
    await page.click('[data-testid=nav-compare]')
    await column(page, 0).locator('[data-testid=token-chip]').first().waitFor()
    await page.click('[data-testid=compare-options-toggle]')
    expect(await page.inputValue('[data-testid=compare-stop-strings]')).toBe(
      stop.replace(/\n/g, '\\n'),
    )
    await context.close()
  })
})
