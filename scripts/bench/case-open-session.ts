/**
 * Rows 4f–4h: opening a long saved session from the sidebar, in headless Chromium against the
 * real serve host. Times the click until the session's end is on screen, then the click on its
 * last token until the inspector lists that token's alternatives (what a user sees first, and the
 * heaviest data they can ask for), and the longest main-thread task over both and until the
 * whole transcript is drawn.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { writeLongTranscript } from './long-transcript'
import { spawnServe } from './processes'
import { everyRunRow, limitRow, median, type BenchRow } from './stats'

export const openedTokens = 20_000
const topN = 20

export interface OpenSessionSample {
  /** Click on the session's row until its last token is on screen (the frame after). */
  textMs: number
  /** Click on the last token until its alternatives are listed in the inspector. */
  inspectMs: number
  /** The longest main-thread task from the first click until the whole transcript is drawn. */
  longestTaskMs: number
  tasksOver50Ms: number
}

/** The browser globals the in-page functions use; this project's Node config has no DOM types. */
interface PageGlobals {
  document: {
    querySelector(
      selector: string,
    ): { click(): void; getBoundingClientRect(): { top: number } } | null
    querySelectorAll(selector: string): { length: number }
  }
  innerHeight: number
  requestAnimationFrame(callback: (time: number) => void): number
  setTimeout(callback: () => void, ms: number): number
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void
    disconnect(): void
  }
  openBench?: { longTasks: number[]; stop(): void }
}

/**
 * A serve host (its files from `outDirectory`, default out/) with one long saved session. With
 * `formatTwo` the session is written as format 2 wrote it (a Completion session's shape is the
 * same in formats 2 and 3), which builds from before format 3 read too.
 */
export async function openSessionHost(
  log: (line: string) => void,
  outDirectory?: string,
  formatTwo = false,
) {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'tokenscope-bench-open-'))
  const sessionId = writeLongTranscript(dataDirectory, openedTokens, topN)
  if (formatTwo) {
    const file = join(dataDirectory, 'sessions', `${sessionId}.json`)
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { schemaVersion: number }
    writeFileSync(file, JSON.stringify({ ...doc, schemaVersion: 2 }))
  }
  const serve = await spawnServe(log, { dataDirectory, outDirectory })
  return { serve, sessionId }
}

/** Opens the session in a fresh page and measures it (see `OpenSessionSample`). */
export async function openSessionOnce(
  browser: Browser,
  url: URL,
  sessionId: string,
  /** Runs around the measured part (a trace, say). */
  around?: { before(page: Page): Promise<void>; after(page: Page): Promise<void> },
): Promise<OpenSessionSample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  try {
    const page = await context.newPage()
    await page.goto(url.href)
    const row = `[data-testid=session-row][data-session-id="${sessionId}"] [data-testid=session-open]`
    await page.locator(row).waitFor({ timeout: 60_000 })
    await page.mouse.move(0, 0)
    await around?.before(page)
    const textMs = await page.evaluate(
      async ({ selector, last }) => {
        const g = globalThis as unknown as PageGlobals
        const longTasks: number[] = []
        const observer = new g.PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration)
        })
        observer.observe({ type: 'longtask' })
        g.openBench = { longTasks, stop: () => observer.disconnect() }
        const startedAt = performance.now()
        g.document.querySelector(selector)?.click()
        await new Promise<void>((resolve) => {
          const check = () => {
            // The view opens at the session's end.
            const chip = g.document.querySelector(`[data-testid=token-chip][data-index="${last}"]`)
            const top = chip?.getBoundingClientRect().top
            if (top !== undefined && top >= 0 && top < g.innerHeight)
              g.requestAnimationFrame(() => g.setTimeout(resolve, 0))
            else g.requestAnimationFrame(check)
          }
          check()
        })
        return performance.now() - startedAt
      },
      { selector: row, last: openedTokens - 1 },
    )
    const last = openedTokens - 1
    await timedInspect(page, last, 0)
    const inspectMs = await timedInspect(page, last, 1)
    // The rest of the transcript is drawn in the background: its tasks count too.
    await page
      .locator('[data-testid=token-chip][data-index="0"]')
      .waitFor({ state: 'attached', timeout: 120_000 })
    const tasks = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals
      g.openBench?.stop()
      return g.openBench?.longTasks ?? []
    })
    await around?.after(page)
    return {
      textMs,
      inspectMs,
      longestTaskMs: Math.max(0, ...tasks),
      tasksOver50Ms: tasks.filter((ms) => ms > 50).length,
    }
  } finally {
    await context.close()
  }
}

/**
 * Brings chip `index` into view (step 0), then (step 1) clicks it and times the click until the
 * inspector shows its alternatives.
 */
async function timedInspect(page: Page, index: number, step: 0 | 1): Promise<number> {
  const chip = page.locator(`[data-testid=token-chip][data-index="${index}"]`)
  if (step === 0) {
    await chip.waitFor({ state: 'attached', timeout: 120_000 })
    await chip.scrollIntoViewIfNeeded()
    await page.mouse.move(0, 0)
    return 0
  }
  return page.evaluate(async (at) => {
    const g = globalThis as unknown as PageGlobals
    performance.mark('bench-inspect')
    const startedAt = performance.now()
    g.document.querySelector(`[data-testid=token-chip][data-index="${at}"]`)?.click()
    await new Promise<void>((resolve) => {
      const check = () => {
        const panel = `[data-testid=token-details][data-token-index="${at}"]`
        if (g.document.querySelectorAll(`${panel} [data-testid=alternative-row]`).length > 0)
          g.requestAnimationFrame(() => g.setTimeout(resolve, 0))
        else g.requestAnimationFrame(check)
      }
      check()
    })
    return performance.now() - startedAt
  }, index)
}

export function launchBenchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** The rows of `npm run bench` (after one warm-up open, so the host holds the session). */
export async function openSessionCase(options: {
  runs: number
  log: (line: string) => void
}): Promise<BenchRow[]> {
  const { serve, sessionId } = await openSessionHost(options.log)
  const browser = await launchBenchBrowser()
  try {
    options.log(`case 4f: ${options.runs} × opening a ${openedTokens}-token session`)
    await openSessionOnce(browser, serve.url, sessionId)
    const samples: OpenSessionSample[] = []
    for (let run = 0; run < options.runs; run++)
      samples.push(await openSessionOnce(browser, serve.url, sessionId))
    const tokens = openedTokens.toLocaleString('en')
    return [
      limitRow(
        {
          id: '4f',
          measure: `UI: open a ${tokens}-token session (click → its end on screen)`,
          unit: 'ms',
        },
        samples.map((s) => s.textMs),
        null,
      ),
      limitRow(
        {
          id: '4g',
          measure: `UI: then inspect its last token (click → alternatives listed)`,
          unit: 'ms',
        },
        samples.map((s) => s.inspectMs),
        100,
      ),
      everyRunRow(
        {
          id: '4h',
          measure: `UI: longest main-thread task while opening and inspecting it (worst open)`,
          unit: 'ms',
          note: `tasks over 50 ms per open: ${samples.map((s) => s.tasksOver50Ms).join(', ')}; median open ${median(samples.map((s) => s.textMs)).toFixed(0)} ms`,
        },
        samples.map((s) => s.longestTaskMs),
        50,
      ),
    ]
  } finally {
    await browser.close()
    await serve.close()
  }
}
