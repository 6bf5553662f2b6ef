/**
 * What the main thread spends its time on while a 20,000-token session opens (rows 4f–4h), from
 * a Chromium trace: CPU ms per kind of work, and what each task over 50 ms is made of; then the
 * same for the inspection of its last token alone.
 * Run after a build: `npx tsx scripts/bench/open-session-profile.ts [out-directory]`.
 */
import { breakdown, traceCategories, type TraceEvent } from './trace-breakdown'
import { launchBenchBrowser, openSessionHost, openSessionOnce } from './case-open-session'

const log = (line: string) => console.error(`[open-profile] ${line}`)
const { serve, sessionId } = await openSessionHost(log, process.argv[2])
const browser = await launchBenchBrowser()
try {
  // The first open reads the file; the measured one finds the session in the host's memory.
  await openSessionOnce(browser, serve.url, sessionId)
  let events: TraceEvent[] = []
  const sample = await openSessionOnce(browser, serve.url, sessionId, {
    before: async (page) => {
      await browser.startTracing(page, { categories: traceCategories })
      await page.evaluate(() => performance.mark('bench-open'))
    },
    after: async (page) => {
      await page.evaluate(() => performance.mark('bench-inspected'))
      const buffer = await browser.stopTracing()
      events = (JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }).traceEvents
    },
  })
  console.log(JSON.stringify(sample))
  console.log(breakdown(events, 'bench-open', 'bench-inspected'))
  console.log('\nFrom the click on the last token until the whole transcript is drawn:')
  console.log(breakdown(events, 'bench-inspect', 'bench-inspected'))
} finally {
  await browser.close()
  await serve.close()
}
