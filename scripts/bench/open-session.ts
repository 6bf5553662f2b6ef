/**
 * Opening a 20,000-token saved session, build against build: `npx tsx
 * scripts/bench/open-session.ts [runs] [out-before …]` opens it `runs` times on each build's
 * serve host (out/ and each folder named, all beside out/), taking turns, so that what the other
 * processes on the machine do falls on every build alike; prints each sample and the medians.
 */
import {
  launchBenchBrowser,
  openSessionHost,
  openSessionOnce,
  type OpenSessionSample,
} from './case-open-session'
import { median } from './stats'

const runs = Number(process.argv[2] ?? 3)
const builds = ['out', ...process.argv.slice(3)]
const log = (line: string) => console.error(`[open-session] ${line}`)

const hosts = []
// Older builds read format 2 only; the newer ones migrate it when they first read it.
const formatTwo = builds.length > 1
for (const build of builds) hosts.push({ build, ...(await openSessionHost(log, build, formatTwo)) })
const browser = await launchBenchBrowser()
const samples = new Map<string, OpenSessionSample[]>(builds.map((b) => [b, []]))
try {
  // One open each first, so that every host holds the session in memory.
  for (const host of hosts) await openSessionOnce(browser, host.serve.url, host.sessionId)
  for (let run = 0; run < runs; run++) {
    for (const host of hosts) {
      const sample = await openSessionOnce(browser, host.serve.url, host.sessionId)
      samples.get(host.build)!.push(sample)
      console.log(host.build, JSON.stringify(sample))
    }
  }
} finally {
  await browser.close()
  await Promise.all(hosts.map((h) => h.serve.close()))
}
for (const [build, list] of samples) {
  const m = (key: keyof OpenSessionSample) => median(list.map((s) => s[key])).toFixed(0)
  console.log(
    `${build}: median text ${m('textMs')} ms, inspect last token ${m('inspectMs')} ms, longest task ${m('longestTaskMs')} ms (${list.length} runs)`,
  )
}
