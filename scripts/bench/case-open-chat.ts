/**
 * Rows 4i–4j: opening a long saved chat (20 turns, each reply Markdown with code, a list and a
 * table) from the sidebar, in headless Chromium against the real serve host: the click until the
 * last reply is on screen, and the longest main-thread task until every turn is drawn.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { longMarkdownChat } from '../../tests/e2e/markdown-session'
import { launchBenchBrowser } from './case-open-session'
import { spawnServe } from './processes'
import { everyRunRow, limitRow, median, type BenchRow } from './stats'

const turns = 20
const chatId = 'bench-long-chat'

interface OpenChatSample {
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

async function openChatOnce(browser: Browser, url: URL): Promise<OpenChatSample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  try {
    const page = await context.newPage()
    await page.goto(url.href)
    await page.locator('[data-testid=nav-chat]').click()
    await page.locator('[data-testid=reply-view-markdown]').click()
    const row = `[data-testid=session-row][data-session-id="${chatId}"] [data-testid=session-open]`
    await page.locator(row).waitFor({ timeout: 60_000 })
    await page.mouse.move(0, 0)
    return await page.evaluate(
      async ({ row, lastId, total }) => {
        const g = globalThis as unknown as PageGlobals
        const longTasks: number[] = []
        const observer = new g.PerformanceObserver((list) => {
          for (const entry of list.getEntries()) longTasks.push(entry.duration)
        })
        observer.observe({ type: 'longtask' })
        const startedAt = performance.now()
        g.document.querySelector(row)?.click()
        const frame = () => new Promise<void>((resolve) => g.requestAnimationFrame(resolve))
        // The last reply's end on screen, in the frame after the one that drew it.
        for (;;) {
          await frame()
          const end = g.document.querySelector(`[data-message-id="${lastId}"]`)
          const bottom = end?.getBoundingClientRect().bottom
          if (bottom !== undefined && bottom > 0 && bottom <= g.innerHeight) break
        }
        await frame()
        const shownMs = performance.now() - startedAt
        // The earlier turns are drawn in the background: their tasks count too.
        while (g.document.querySelectorAll('[data-testid=chat-message]').length < total)
          await frame()
        await new Promise<void>((resolve) => g.setTimeout(resolve, 100))
        observer.disconnect()
        return {
          shownMs,
          longestTaskMs: Math.max(0, ...longTasks),
          tasksOver50Ms: longTasks.filter((ms) => ms > 50).length,
        }
      },
      { row, lastId: `a${turns - 1}`, total: turns * 2 },
    )
  } finally {
    await context.close()
  }
}

/** The rows of `npm run bench` (after one warm-up open, so the host holds the chat). */
export async function openChatCase(options: {
  runs: number
  log: (line: string) => void
}): Promise<BenchRow[]> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'tokenscope-bench-chat-'))
  const doc = longMarkdownChat(chatId, turns)
  const tokens = doc.nodes.reduce((sum, node) => sum + (node.run?.tokens.length ?? 0), 0)
  mkdirSync(join(dataDirectory, 'sessions'))
  writeFileSync(join(dataDirectory, 'sessions', `${chatId}.json`), JSON.stringify(doc))
  const serve = await spawnServe(options.log, { dataDirectory })
  const browser = await launchBenchBrowser()
  try {
    options.log(`case 4i: ${options.runs} × opening a ${turns}-turn chat`)
    await openChatOnce(browser, serve.url)
    const samples: OpenChatSample[] = []
    for (let run = 0; run < options.runs; run++)
      samples.push(await openChatOnce(browser, serve.url))
    const size = `${turns}-turn chat of ${tokens.toLocaleString('en')} tokens`
    return [
      limitRow(
        {
          id: '4i',
          measure: `UI: open a ${size} as Markdown (click → last reply on screen)`,
          unit: 'ms',
        },
        samples.map((s) => s.shownMs),
        null,
      ),
      everyRunRow(
        {
          id: '4j',
          measure: 'UI: longest main-thread task while opening it (worst open)',
          unit: 'ms',
          note: `tasks over 50 ms per open: ${samples.map((s) => s.tasksOver50Ms).join(', ')}; median open ${median(samples.map((s) => s.shownMs)).toFixed(0)} ms`,
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
