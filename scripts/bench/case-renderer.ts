/**
 * Case 4: the UI in headless Chromium against the real serve host and the demo model (tiny, so
 * tokens arrive as fast as the engine can make them). Measures the main thread while 2,000 tokens
 * stream in (as chips in Completion, and as Markdown in Chat), and how long the token inspector
 * takes to open on a 20,000-token transcript.
 */
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { prepareChat, streamChatReply } from './chat-stream'
import { writeLongTranscript } from './long-transcript'
import { spawnServe } from './processes'
import { everyRunRow, limitRow, median, type BenchRow } from './stats'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const streamedTokens = 2000
const transcriptTokens = 20_000
const inspectedIndex = 1899

interface StreamingSample {
  longestTaskMs: number
  framesPerSecond: number
  longestFrameMs: number
  tokens: number
  seconds: number
}

/**
 * The browser globals the in-page functions use; this project's Node config has no DOM types.
 * Functions given to `page.evaluate` run in the page, so each casts `globalThis` itself.
 */
interface PageGlobals {
  document: {
    querySelector(selector: string): { click(): void; style: { visibility: string } } | null
    querySelectorAll(selector: string): { length: number }
  }
  requestAnimationFrame(callback: (time: number) => void): number
  setTimeout(callback: () => void, ms: number): number
  PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: { type: string }): void
  }
  bench?: { longTasks: number[]; frames: number[]; running: boolean }
}

/** Streams one run of `streamedTokens` greedy tokens and watches the main thread meanwhile. */
async function streamOnce(page: Page): Promise<StreamingSample> {
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
  const startedAt = await page.evaluate(() => performance.now())
  await page.locator('[data-testid=generate-button]:enabled').click()
  await page.locator('[data-testid=run-state]', { hasText: 'running' }).waitFor({ timeout: 30_000 })
  await page.locator('[data-testid=run-state][data-stop-reason]').waitFor({ timeout: 120_000 })
  return page.evaluate((since) => {
    const g = globalThis as unknown as PageGlobals
    const bench = g.bench ?? { longTasks: [], frames: [], running: false }
    bench.running = false
    const frames = bench.frames.filter((t) => t >= since)
    const seconds = ((frames[frames.length - 1] ?? since) - (frames[0] ?? since)) / 1000
    const gaps = frames.slice(1).map((t, i) => t - (frames[i] ?? t))
    return {
      longestTaskMs: Math.max(0, ...bench.longTasks),
      framesPerSecond: seconds > 0 ? (frames.length - 1) / seconds : 0,
      longestFrameMs: Math.max(0, ...gaps),
      tokens: g.document.querySelectorAll('[data-testid=token-chip]').length,
      seconds,
    }
  }, startedAt)
}

/** Clicks token chip `index` and times it until the frame after its details are shown. */
async function openInspector(page: Page, index: number): Promise<number> {
  await page.locator(`[data-testid=token-chip][data-index="${index}"]`).scrollIntoViewIfNeeded()
  await page.mouse.move(0, 0)
  return page.evaluate(async (at) => {
    const g = globalThis as unknown as PageGlobals
    const target = g.document.querySelector(`[data-testid=token-chip][data-index="${at}"]`)
    if (!target) throw new Error(`no chip ${at}`)
    const shown = () => {
      const panel = g.document.querySelector(
        `[data-testid=token-details][data-token-index="${at}"]`,
      )
      return panel !== null && panel.style.visibility !== 'hidden'
    }
    const startedAt = performance.now()
    target.click()
    // Done when the frame that shows the panel has been produced.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (shown()) g.requestAnimationFrame(() => g.setTimeout(resolve, 0))
        else g.requestAnimationFrame(check)
      }
      check()
    })
    return performance.now() - startedAt
  }, index)
}

/**
 * What a row of streams says beside its worst: how many passed 50 ms. The browser reports only
 * tasks over 50 ms, so a stream without one counts as 0 ms.
 */
function streamNote(longest: readonly number[], shown: string): string {
  const over = longest.filter((ms) => ms > 50).length
  return `${shown}; ${over} of ${longest.length} streams with a task over 50 ms (the browser reports only those; a stream without one counts 0 ms)`
}

export async function rendererCase(options: {
  runs: number
  log: (line: string) => void
}): Promise<BenchRow[]> {
  if (!existsSync(chromiumPath)) {
    options.log(`case 4 skipped: no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`)
    return []
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'tokenscope-bench-ui-'))
  const sessionId = writeLongTranscript(dataDirectory, transcriptTokens, 20)
  const serve = await spawnServe(options.log, { dataDirectory })
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    // tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper;
    // functions sent to the page carry those calls, so the page needs the helper too.
    await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
    const page = await context.newPage()
    await page.goto(serve.url.href)
    await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout: 90_000 })

    options.log(`case 4: ${options.runs} × streaming ${streamedTokens} tokens into the UI`)
    await page.fill('[data-testid=max-tokens-input]', String(streamedTokens))
    // Greedy: the demo model then never reaches an end-of-text token within 2,000 tokens.
    await page.fill('[data-testid=temperature-input]', '0')
    await page.fill('[data-testid=prompt-input]', 'A token is')
    const streams: StreamingSample[] = []
    for (let run = 0; run < options.runs; run++) streams.push(await streamOnce(page))

    options.log(`case 4: inspector on token #${inspectedIndex + 1} of ${transcriptTokens}`)
    const opened = performance.now()
    await page
      .locator(
        `[data-testid=session-row][data-session-id="${sessionId}"] [data-testid=session-open]`,
      )
      .click()
    await page
      .locator(`[data-testid=token-chip][data-index="${transcriptTokens - 1}"]`)
      .waitFor({ state: 'attached', timeout: 120_000 })
    const sessionSeconds = (performance.now() - opened) / 1000
    const inspectorMs: number[] = []
    // The mouse stays away so that no hover tooltip is up before or after a click.
    await page.mouse.move(0, 0)
    for (let run = 0; run < Math.max(3, options.runs); run++) {
      inspectorMs.push(await openInspector(page, inspectedIndex))
      // A second click on the pinned chip closes its details again.
      await page.evaluate((at) => {
        const g = globalThis as unknown as PageGlobals
        g.document.querySelector(`[data-testid=token-chip][data-index="${at}"]`)?.click()
      }, inspectedIndex)
      await page
        .locator('[data-testid=token-details]')
        .waitFor({ state: 'detached', timeout: 10_000 })
    }

    options.log(`case 4: ${options.runs} × a ${streamedTokens}-token chat reply shown as Markdown`)
    await prepareChat(page, streamedTokens)
    const markdownStreams = []
    for (let run = 0; run < options.runs; run++)
      markdownStreams.push(await streamChatReply(page, 'markdown'))

    const tokensShown = median(streams.map((s) => s.tokens))
    const rate = median(streams.map((s) => s.tokens / s.seconds))
    const longest = streams.map((s) => s.longestTaskMs)
    const note = streamNote(
      longest,
      `${tokensShown} tokens shown, arriving at ${rate.toFixed(0)} tok/s`,
    )
    return [
      everyRunRow(
        {
          id: '4a',
          measure: `UI: longest main-thread task while streaming ${streamedTokens.toLocaleString('en')} tokens (worst stream)`,
          unit: 'ms',
          note,
        },
        longest,
        50,
      ),
      limitRow(
        { id: '4b', measure: 'UI: longest gap between frames while streaming', unit: 'ms' },
        streams.map((s) => s.longestFrameMs),
        null,
      ),
      limitRow(
        { id: '4c', measure: 'UI: frame rate while streaming', unit: 'fps' },
        streams.map((s) => s.framesPerSecond),
        null,
      ),
      limitRow(
        {
          id: '4d',
          measure: `UI: open the inspector on token #${inspectedIndex + 1} of a ${transcriptTokens.toLocaleString('en')}-token transcript`,
          unit: 'ms',
          note: `the saved session took ${sessionSeconds.toFixed(1)} s to open`,
        },
        inspectorMs,
        100,
      ),
      everyRunRow(
        {
          id: '4e',
          measure: `UI: longest main-thread task while a Markdown chat reply streams ${streamedTokens.toLocaleString('en')} tokens (worst stream)`,
          unit: 'ms',
          note: streamNote(
            markdownStreams.map((s) => s.longestTaskMs),
            `${median(markdownStreams.map((s) => s.spans))} token spans shown; longest gap between frames ${Math.max(...markdownStreams.map((s) => s.longestFrameMs))} ms`,
          ),
        },
        markdownStreams.map((s) => s.longestTaskMs),
        50,
      ),
    ]
  } finally {
    await browser.close()
    await serve.close()
  }
}
