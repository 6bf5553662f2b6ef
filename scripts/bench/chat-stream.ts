/**
 * The main thread while a long chat reply streams, shown as Markdown or as chips: the same measure
 * as case 4's stream (longest task, longest gap between frames), in Chat.
 */
import { chromium, type Page } from 'playwright-core'
import { spawnServe } from './processes'

/** The browser globals the in-page functions use; this project's Node config has no DOM types. */
interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } }
  requestAnimationFrame(callback: (time: number) => void): number
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void
    disconnect(): void
  }
  bench?: { longTasks: number[]; frames: number[]; running: boolean; stop(): void }
}

export interface ChatStreamSample {
  longestTaskMs: number
  tasksOver50Ms: number
  longestFrameMs: number
  /** Token spans in the Markdown view, chips in the chip view. */
  spans: number
  chips: number
}

/** Sets Chat up for greedy 2,000-token replies (the demo model then never stops early). */
export async function prepareChat(page: Page, maxTokens: number) {
  await page.locator('[data-testid=nav-chat]').click()
  await page.fill('[data-testid=max-tokens-input]', String(maxTokens))
  await page.fill('[data-testid=temperature-input]', '0')
}

/** Streams one reply into a new chat shown as `view` and watches the main thread meanwhile. */
export async function streamChatReply(
  page: Page,
  view: 'markdown' | 'tokens',
): Promise<ChatStreamSample> {
  await page.locator('[data-testid=nav-chat]').click()
  // Alt+N, the shortcut browsers leave to the page, opens a new chat.
  await page.keyboard.press('Alt+n')
  await page.locator(`[data-testid=reply-view-${view}]`).click()
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals
    const longTasks: number[] = []
    const observer = new g.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration)
    })
    observer.observe({ type: 'longtask' })
    const bench = {
      longTasks,
      frames: [] as number[],
      running: true,
      stop: () => observer.disconnect(),
    }
    g.bench = bench
    const tick = (time: number) => {
      bench.frames.push(time)
      if (bench.running) g.requestAnimationFrame(tick)
    }
    g.requestAnimationFrame(tick)
  })
  await page.fill('[data-testid=chat-input]', 'Explain what a token is, at length.')
  await page.locator('[data-testid=send-button]:enabled').click()
  await page.locator('[data-testid=reply-state][data-state=ended]').waitFor({ timeout: 180_000 })
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals
    const bench = g.bench
    if (!bench) throw new Error('the stream was not watched')
    bench.running = false
    bench.stop()
    const gaps = bench.frames.slice(1).map((t, i) => t - (bench.frames[i] ?? t))
    return {
      longestTaskMs: Math.round(Math.max(0, ...bench.longTasks)),
      tasksOver50Ms: bench.longTasks.filter((ms) => ms > 50).length,
      longestFrameMs: Math.round(Math.max(0, ...gaps)),
      spans: g.document.querySelectorAll('[data-testid=markdown-reply] [data-index]').length,
      chips: g.document.querySelectorAll('[data-testid=token-chip]').length,
    }
  })
}

/**
 * A serve host with the demo model, and one Chromium page on it at 1280×800, set up for chat
 * replies of `maxTokens`: what the chat stream scripts share.
 */
export async function openChatBench(maxTokens: number) {
  const serve = await spawnServe(() => undefined)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  const page = await context.newPage()
  await page.goto(serve.url.href)
  await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout: 90_000 })
  await prepareChat(page, maxTokens)
  return {
    browser,
    page,
    async close() {
      await browser.close()
      await serve.close()
    },
  }
}
