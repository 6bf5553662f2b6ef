/**
 * What the main thread spends its time on while a 2,000-token chat reply streams as Markdown
 * (row 4e), from a Chromium trace: CPU ms per kind of work (script by what it runs, style, layout,
 * paint, GC) over the reply's last 500 tokens, and what each task over 50 ms is made of.
 * Run after a build: `npx tsx scripts/bench/markdown-profile.ts [runs] [markdown|tokens]`.
 */
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { openChatBench, streamChatReply } from './chat-stream'
import { breakdown, traceCategories, type TraceEvent } from './trace-breakdown'

const runs = Number(process.argv[2] ?? 1)
const view = (process.argv[3] ?? 'markdown') as 'markdown' | 'tokens'
const markAt = 1500

/**
 * Marks the trace when the status bar's count reaches `markAt`: polled in the page, as reading it
 * from here would put the driver's own queries into the measured main thread.
 */
async function markProgress(page: Page) {
  await page.evaluate((at) => {
    const page = globalThis as unknown as {
      document: { querySelector(selector: string): { textContent: string | null } | null }
    }
    // The count still shows the last run's until this one starts: wait to see it below the mark.
    let reset = false
    const timer = setInterval(() => {
      const shown = page.document.querySelector('[data-testid=generated-count]')?.textContent ?? '0'
      const count = Number(shown.replace(/\D/g, ''))
      reset ||= count < at
      if (!reset || count < at) return
      performance.mark('bench-last-500')
      clearInterval(timer)
    }, 100)
  }, markAt)
}

const { browser, page, close } = await openChatBench(2000)
try {
  for (let run = 0; run < runs; run++) {
    await browser.startTracing(page, { categories: traceCategories })
    await markProgress(page)
    const sample = await streamChatReply(page, view)
    await page.evaluate(() => performance.mark('bench-ended'))
    // The deferred final render lands after the end; give it a moment inside the trace.
    await page.waitForTimeout(1000)
    const buffer = await browser.stopTracing()
    const events = (JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }).traceEvents
    if (process.env.KEEP_TRACE) writeFileSync(`/tmp/markdown-trace-${run}.json`, buffer)
    if (process.env.DUMP_TOKENS) {
      const tokens = await page.evaluate(() => {
        const g = globalThis as unknown as {
          document: {
            querySelectorAll(
              s: string,
            ): Iterable<{ textContent: string | null; getAttribute(a: string): string | null }>
          }
        }
        const out: string[] = []
        for (const span of g.document.querySelectorAll(
          '[data-testid=markdown-reply] [data-index]',
        )) {
          const i = Number(span.getAttribute('data-index'))
          out[i] = (out[i] ?? '') + (span.textContent ?? '')
        }
        return out
      })
      writeFileSync(process.env.DUMP_TOKENS, JSON.stringify(tokens))
    }
    console.log(`run ${run + 1}: ${JSON.stringify(sample)}`)
    console.log(breakdown(events, 'bench-last-500', 'bench-ended'))
  }
} finally {
  await close()
}
