/**
 * Rows 4i–4j: opening a long saved chat (20 turns, each reply Markdown with code, a list and a
 * table) from the sidebar, in headless Chromium against the real serve host: the click until the
 * last reply is on screen, and the longest main-thread task until every turn is drawn. The same
 * probe opens a long completion in the Markdown view (4k–4l, case-open-markdown.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { SessionDocument } from '../../src/shared/sessions'
import { longMarkdownChat } from '../../tests/e2e/markdown-session'
import { launchBenchBrowser } from './case-open-session'
import { spawnServe } from './processes'
import { everyRunRow, limitRow, median, type BenchRow } from './stats'

const turns = 20
const chatId = 'bench-long-chat'

export interface OpenSample {
  shownMs: number
  longestTaskMs: number
  tasksOver50Ms: number
}

/** The browser globals the in-page function uses; this project's Node config has no DOM types. */
interface PageGlobals {
  document: {
    querySelector(selector: string): {
      click(): void
      getBoundingClientRect(): { top: number; bottom: number }
    } | null
    querySelectorAll(selector: string): { length: number }
  }
  innerHeight: number
  requestAnimationFrame(callback: () => void): number
  setTimeout(callback: () => void, ms: number): number
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void
    disconnect(): void
  }
}

/** A saved session opened from the sidebar, and what shows it opened and wholly drawn. */
export interface OpenProbe {
  /** Runs before the page loads (a saved preference, say). */
  initScript?: string
  /** Readies the page before the click (a tab, a view). */
  prepare?: (page: Page) => Promise<void>
  sessionId: string
  /** Its bottom on screen: the session is shown. */
  end: string
  /** Present: every part of it is drawn. */
  done: string
}

/** Opens the session in a fresh page and measures it (see `OpenSample`). */
export async function openOnce(browser: Browser, url: URL, probe: OpenProbe): Promise<OpenSample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({
    content: `globalThis.__name = (target) => target; ${probe.initScript ?? ''}`,
  })
  try {
    const page = await context.newPage()
    await page.goto(url.href)
    await probe.prepare?.(page)
    const row = `[data-testid=session-row][data-session-id="${probe.sessionId}"] [data-testid=session-open]`
    await page.locator(row).waitFor({ timeout: 60_000 })
    await page.mouse.move(0, 0)
    return await page.evaluate(
      async ({ row, end, done }) => {
        const g = globalThis as unknown as PageGlobals
        const longTasks: number[] = []
        const observer = new g.PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration)
        })
        observer.observe({ type: 'longtask' })
        const startedAt = performance.now()
        g.document.querySelector(row)?.click()
        const frame = () => new Promise<void>((resolve) => g.requestAnimationFrame(resolve))
        // The end on screen, in the frame after the one that drew it.
        for (;;) {
          await frame()
          const bottom = g.document.querySelector(end)?.getBoundingClientRect().bottom
          if (bottom !== undefined && bottom > 0 && bottom <= g.innerHeight) break
        }
        await frame()
        const shownMs = performance.now() - startedAt
        // The earlier parts are drawn in the background: their tasks count too.
        while (!g.document.querySelector(done)) await frame()
        await new Promise<void>((resolve) => g.setTimeout(resolve, 100))
        observer.disconnect()
        return {
          shownMs,
          longestTaskMs: Math.max(0, ...longTasks),
          tasksOver50Ms: longTasks.filter((ms) => ms > 50).length,
        }
      },
      { row, end: probe.end, done: probe.done },
    )
  } finally {
    await context.close()
  }
}

/**
 * `doc` saved in a fresh data folder of a serve host, then opened once to warm up (so the host
 * holds it) and `runs` times measured.
 */
export async function openSamples(
  doc: SessionDocument,
  probe: Omit<OpenProbe, 'sessionId'>,
  options: { runs: number; log: (line: string) => void },
): Promise<OpenSample[]> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'tokenscope-bench-open-'))
  mkdirSync(join(dataDirectory, 'sessions'))
  writeFileSync(join(dataDirectory, 'sessions', `${doc.id}.json`), JSON.stringify(doc))
  const serve = await spawnServe(options.log, { dataDirectory })
  const browser = await launchBenchBrowser()
  try {
    const session = { ...probe, sessionId: doc.id }
    await openOnce(browser, serve.url, session)
    const samples: OpenSample[] = []
    for (let run = 0; run < options.runs; run++)
      samples.push(await openOnce(browser, serve.url, session))
    return samples
  } finally {
    await browser.close()
    await serve.close()
  }
}

/** The two rows of an open: click → shown, and the longest task of the worst open. */
export function openRows(
  ids: [string, string],
  what: string,
  samples: readonly OpenSample[],
): BenchRow[] {
  return [
    limitRow(
      { id: ids[0], measure: `UI: open ${what}`, unit: 'ms' },
      samples.map((s) => s.shownMs),
      null,
    ),
    everyRunRow(
      {
        id: ids[1],
        measure: 'UI: longest main-thread task while opening it (worst open)',
        unit: 'ms',
        note: `tasks over 50 ms per open: ${samples.map((s) => s.tasksOver50Ms).join(', ')}; median open ${median(samples.map((s) => s.shownMs)).toFixed(0)} ms`,
      },
      samples.map((s) => s.longestTaskMs),
      50,
    ),
  ]
}

/** The rows of `npm run bench` (after one warm-up open, so the host holds the chat). */
export async function openChatCase(options: {
  runs: number
  log: (line: string) => void
}): Promise<BenchRow[]> {
  const doc = longMarkdownChat(chatId, turns)
  const tokens = doc.nodes.reduce((sum, node) => sum + (node.run?.tokens.length ?? 0), 0)
  options.log(`case 4i: ${options.runs} × opening a ${turns}-turn chat`)
  const samples = await openSamples(
    doc,
    {
      prepare: async (page) => {
        await page.locator('[data-testid=nav-chat]').click()
        await page.locator('[data-testid=reply-view-markdown]').click()
      },
      end: `[data-message-id="a${turns - 1}"]`,
      // The first question is the last message drawn.
      done: '[data-message-id="u0"]',
    },
    options,
  )
  const size = `${turns}-turn chat of ${tokens.toLocaleString('en')} tokens`
  return openRows(['4i', '4j'], `a ${size} as Markdown (click → last reply on screen)`, samples)
}
