/**
 * The main thread while a long chat reply streams, shown as Markdown and as chips: the same
 * measure as case 4 (longest task, longest gap between frames), in Chat.
 * Run after a build: `npx tsx scripts/bench/markdown-stream.ts [runs]`.
 */
import { chromium, type Page } from 'playwright-core'
import { spawnServe } from './processes'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const runs = Number(process.argv[2] ?? 2)

interface PageGlobals {
  document: { querySelectorAll(selector: string): { length: number } }
  requestAnimationFrame(callback: (time: number) => void): number
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void
  }
  bench?: { longTasks: number[]; frames: number[]; running: boolean }
}

async function streamReply(page: Page, view: 'markdown' | 'tokens') {
  await page.locator('[data-testid=nav-chat]').click()
  await page.keyboard.press('Alt+n')
  await page.locator(`[data-testid=reply-view-${view}]`).click()
  await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals
    const bench = { longTasks: [] as number[], frames: [] as number[], running: true }
    g.bench = bench
    new g.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push(entry.duration)
    }).observe({ type: 'longtask' })
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
    const bench = g.bench ?? { longTasks: [], frames: [], running: false }
    bench.running = false
    const gaps = bench.frames.slice(1).map((t, i) => t - (bench.frames[i] ?? t))
    return {
      longestTaskMs: Math.round(Math.max(0, ...bench.longTasks)),
      tasksOver50Ms: bench.longTasks.length,
      longestFrameMs: Math.round(Math.max(0, ...gaps)),
      spans: g.document.querySelectorAll('[data-testid=markdown-reply] [data-index]').length,
      chips: g.document.querySelectorAll('[data-testid=token-chip]').length,
    }
  })
}

const serve = await spawnServe(() => undefined)
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  const page = await context.newPage()
  await page.goto(serve.url.href)
  await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout: 90_000 })
  await page.locator('[data-testid=nav-chat]').click()
  await page.fill('[data-testid=max-tokens-input]', '2000')
  await page.fill('[data-testid=temperature-input]', '0')
  for (let run = 0; run < runs; run++) {
    for (const view of ['markdown', 'tokens'] as const) {
      console.log(view, JSON.stringify(await streamReply(page, view)))
    }
  }
} finally {
  await browser.close()
  await serve.close()
}
