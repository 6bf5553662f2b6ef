/**
 * Case 7: what recording a run into its session costs the host. A 20,000-token run (20
 * alternatives per token, as the inspector asks for) goes through the run recorder and the
 * journaled session store at full speed, as batches of run events each arriving in a task of its
 * own; the host's longest event-loop block is measured while it records, and again while the
 * session is folded into its snapshot after the run. Target: under 20 ms. Each figure is the
 * median over `runs` recordings, each into a fresh store.
 *
 * Rows 7a and 7b of `npm run bench`; runs on its own too: `npx tsx scripts/bench/case-recording.ts
 * [runs]`.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createRunRecorder } from '../../src/main/host/run-recorder'
import { createSessionStore } from '../../src/main/host/session-store'
import type { AppService, GeneratedToken, RunStats } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'
import { loadAverage, waitForQuietCpu } from './cpu-quiet'
import { median, type BenchRow } from './stats'

const runTokens = 20_000
const alternatives = 20
/** Tokens per `tokens` event: the engine's batches at full speed. */
const batchTokens = 8
const targetMs = 20

function token(i: number): GeneratedToken {
  const id = 1000 + ((i * 7919) % 30_000)
  return {
    id,
    text: ` w${id}`,
    logit: 12 - (i % 13) / 3,
    modelProb: 0.4 + (i % 10) / 100,
    samplingProb: 0.5 + (i % 10) / 100,
    position: 40 + i,
    rank: 1 + (i % 4),
    entropyBits: 1.5 + (i % 9) / 10,
    alternatives: Array.from({ length: alternatives }, (_, k) => {
      const alt = 1000 + ((i * 31 + k * 977) % 30_000)
      return {
        id: alt,
        text: ` w${alt}`,
        logit: 11 - k / 4,
        modelProb: 0.3 / (k + 1),
        samplingProb: k < 5 ? 0.2 / (k + 1) : 0,
      }
    }),
    tailMass: 0.05,
  }
}

const stats = (n: number): RunStats => ({
  promptTokens: 40,
  reusedPromptTokens: 0,
  evaluatedTokens: 40 + n,
  generatedTokens: n,
  timeToFirstTokenMs: 10,
  tokensPerSecond: 1000,
})

/**
 * This thread's time on a CPU and waiting for one, in ms (Linux: /proc/thread-self/schedstat),
 * or null where that cannot be read.
 */
function threadTimes(): { onCpu: number; waiting: number } | null {
  try {
    const [onCpu = NaN, waiting = NaN] = readFileSync('/proc/thread-self/schedstat', 'utf8')
      .split(' ')
      .map(Number)
    return { onCpu: onCpu / 1e6, waiting: waiting / 1e6 }
  } catch {
    return null
  }
}

interface Block {
  /** The longest gap between turns of the event loop, in ms: the figure. */
  ms: number
  /**
   * The most time the main thread spent on a CPU within one gap (null where unknown): on a busy
   * machine a gap is this plus the time the thread waited for a CPU that others held.
   */
  onCpuMs: number | null
}

/** The longest gap between turns of the event loop while `work` runs. */
async function longestBlock(work: () => Promise<void>): Promise<Block> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  let last = performance.now()
  let lastTimes = threadTimes()
  let longest = 0
  let onCpu = lastTimes ? 0 : NaN
  let probing = true
  const probe = () => {
    const now = performance.now()
    longest = Math.max(longest, now - last)
    last = now
    const times = lastTimes && threadTimes()
    if (lastTimes && times) onCpu = Math.max(onCpu, times.onCpu - lastTimes.onCpu)
    lastTimes = times
    if (probing) setImmediate(probe)
  }
  histogram.enable()
  setImmediate(probe)
  await work()
  probing = false
  histogram.disable()
  // The histogram's max includes its 1 ms resolution; the probe sees every turn.
  const ms = Math.max(longest, histogram.max / 1e6 - 1)
  return { ms, onCpuMs: Number.isFinite(onCpu) ? onCpu : null }
}

/** One recording into a fresh store: the longest blocks while recording and while compacting. */
async function recordOnce(
  log: (line: string) => void,
): Promise<{ recording: Block; compaction: Block }> {
  const options = { log }
  const directory = mkdtempSync(join(tmpdir(), 'tokenscope-bench-record-'))
  try {
    const store = createSessionStore({ directory, log: options.log })
    const recorder = createRunRecorder(store, options.log)
    const service = recorder.wrap({ generate: async () => undefined } as unknown as AppService)
    const at = new Date().toISOString()
    const document: SessionDocument = {
      schemaVersion: 3,
      id: 'bench',
      title: 'Recording benchmark',
      kind: 'completion',
      createdAt: at,
      updatedAt: at,
      system: '',
      model: null,
      settings: { sampling: defaultSampling, maxTokens: 8192, topN: alternatives },
      nodes: [
        { id: 'p', parentId: null, role: 'prompt', text: 'Once', run: null, createdAt: at },
        { id: 'c', parentId: 'p', role: 'completion', text: '', run: null, createdAt: at },
      ],
      currentLeafId: 'c',
    }
    await store.updateSession({ id: 'bench', intents: [{ type: 'created', document }] })
    const runId = 'bench-run'
    const next = () => new Promise<void>((resolve) => setImmediate(resolve))
    let recordedMs = 0
    const recording = await longestBlock(async () => {
      const started = performance.now()
      await service.generate({
        runId,
        prompt: 'Once',
        topN: alternatives,
        sampling: defaultSampling,
        maxTokens: 8192,
        record: { sessionId: 'bench', target: { nodeId: 'c' } },
      } as Parameters<AppService['generate']>[0])
      recorder.onRunEvent({
        runId,
        kind: 'started',
        prompt: [{ id: 1, text: 'Once' }],
        forced: [],
        parts: { system: 0, history: 1, droppedMessages: 0, template: null },
        contextSize: 32_768,
        sampling: defaultSampling,
      })
      for (let i = 0; i < runTokens; i += batchTokens) {
        await next()
        // Made per event, as the host gets them (decoded from the engine's message).
        const batch = Array.from({ length: batchTokens }, (_, k) => token(i + k))
        recorder.onRunEvent({
          runId,
          kind: 'tokens',
          tokens: batch,
          contextUsed: 40 + i,
          stats: stats(i),
        })
      }
      await next()
      recordedMs = performance.now() - started
      recorder.onRunEvent({
        runId,
        kind: 'ended',
        reason: 'max-tokens',
        contextUsed: 40 + runTokens,
        stats: stats(runTokens),
      })
      await store.flush()
    })
    const journalBytes = statSync(join(directory, 'bench.journal')).size
    // After the run: the journal is folded into the snapshot (the store does it by itself).
    const compaction = await longestBlock(async () => {
      for (let i = 0; i < 2000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        if (!existsJournal(directory)) break
      }
    })
    const snapshotBytes = statSync(join(directory, 'bench.json')).size
    const doc = await store.loadSession({ id: 'bench' })
    const kept = doc.nodes[1]?.run?.tokens.length ?? 0
    await store.close()
    if (kept !== runTokens) throw new Error(`the session kept ${kept} of ${runTokens} tokens`)
    options.log(
      `recorded ${kept} tokens in ${recordedMs.toFixed(0)} ms; journal ${(journalBytes / 1e6).toFixed(1)} MB, snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB; longest blocks ${show(recording)} recording, ${show(compaction)} compacting`,
    )
    return { recording, compaction }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

export async function recordingCase(options: {
  runs: number
  log: (line: string) => void
  beforeEach?: () => Promise<void>
}): Promise<BenchRow[]> {
  const results: { recording: Block; compaction: Block }[] = []
  for (let run = 0; run < options.runs; run++) {
    await options.beforeEach?.()
    results.push(await recordOnce(options.log))
  }
  const row = (id: string, measure: string, blocks: Block[]): BenchRow => {
    const ms = median(blocks.map((b) => b.ms))
    return {
      id,
      measure,
      unit: 'ms',
      ours: Math.round(ms * 10) / 10,
      baseline: null,
      ratio: null,
      target: `< ${targetMs} ms`,
      met: ms < targetMs,
      runs: blocks.length,
      note: `${runTokens.toLocaleString('en')} tokens × ${alternatives} alternatives, ${batchTokens} per event, in this process; each run ${blocks.map(show).join(', ')}`,
    }
  }
  return [
    row(
      '7a',
      'host: longest event-loop block while recording a run',
      results.map((r) => r.recording),
    ),
    row(
      '7b',
      'host: longest event-loop block while folding it into the snapshot',
      results.map((r) => r.compaction),
    ),
  ]
}

/** A block, and the most of one gap the main thread was on a CPU when that is known. */
const show = (block: Block) =>
  `${block.ms.toFixed(1)} ms${block.onCpuMs === null ? '' : ` (on a CPU at most ${block.onCpuMs.toFixed(1)} ms)`}`

function existsJournal(directory: string): boolean {
  try {
    statSync(join(directory, 'bench.journal'))
    return true
  } catch {
    return false
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 1)
  const log = (line: string) => console.error(`[bench] ${line}`)
  // As `npm run bench` does: each run waits up to 3 s for idle CPUs.
  const beforeEach = async () => {
    const quiet = await waitForQuietCpu(3000)
    log(
      `CPUs ${quiet.busy === null ? '?' : `${(quiet.busy * 100).toFixed(0)}%`} busy after waiting ${quiet.waitedMs.toFixed(0)} ms; load average ${loadAverage().toFixed(1)}`,
    )
  }
  const rows = await recordingCase({ runs, log, beforeEach })
  for (const r of rows)
    console.log(`${r.id}  ${r.measure}: ${r.ours} ms (target ${r.target}; ${r.note ?? ''})`)
}
