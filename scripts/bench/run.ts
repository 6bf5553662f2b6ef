/**
 * `npm run bench`: what inspecting probabilities costs, end to end (issue 7). Prints a table of
 * medians and ratios against baselines measured in the same run, and writes docs/benchmarks.md.
 */
import './engine-like-process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import { defaultBenchModelPath, ensureBenchModel } from './bench-model'
import { openAddonFloor } from './addon-floor'
import { apiCase } from './case-api'
import { promptCase, generationCase, wholeVocabularyCase } from './case-generation'
import { longChatCase } from './case-long-chat'
import { compareMemoryCase } from './case-compare-memory'
import { parallelCase } from './case-parallel'
import { peerCase } from './case-peer'
import { recordingCase } from './case-recording'
import { scoringCase } from './case-scoring'
import { defaultThreadsCase, memoryCase, stackCase } from './case-stack'
import { loadAverage, waitForQuietCpu } from './cpu-quiet'
import { openBenchSession } from './in-process'
import { findingsFor } from './findings'
import { repoRoot, startEngineAlone, startServeClient, type EngineEndpoint } from './processes'
import { renderMarkdown, renderTable, rowNotes } from './report'
import { median, type BenchRow } from './stats'
import { defaultSampling } from '../../src/shared/schemas'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    model: { type: 'string' },
    threads: { type: 'string' },
    runs: { type: 'string' },
    tokens: { type: 'string' },
    'no-browser': { type: 'boolean', default: false },
    peer: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    /** `prebuilt` or `fast`: the llama.cpp binary, here and in the engine processes. */
    binary: { type: 'string' },
  },
})
if (args.binary) process.env.TOKENSCOPE_ENGINE_BINARY = args.binary
const quick = args.quick ?? false
const log = (line: string) => console.error(`[bench] ${line}`)
const positive = (text: string | undefined, fallback: number) => {
  const value = text === undefined ? fallback : Number(text)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`expected a positive integer, got ${text}`)
  return value
}
const plan = {
  runs: positive(args.runs, quick ? 1 : 5),
  // Quick mode runs the demo model, whose native loop makes a hundred tokens within one 16 ms
  // batch: rates timed by arrival need several batches, so it samples greedily (a sampled demo
  // reply can end after a few batches) and asks for more tokens.
  generatedTokens: positive(args.tokens, quick ? 512 : 64),
  sampling: quick ? { ...defaultSampling, temperature: 0 } : defaultSampling,
  promptTokens: quick ? 200 : 1000,
  cycles: quick ? 3 : 100,
  topN: 20,
  browser: !quick && !(args['no-browser'] ?? false),
  promptRuns: quick ? 1 : 3,
  quietWaitMs: quick ? 0 : 3000,
  /** All waiting for an idle machine together, so that a busy machine cannot stall the run. */
  quietBudgetMs: quick ? 0 : 90_000,
}

/** `--only 1.k0,6`: just the cases that produce these rows (a case's rows come together). */
const only = args.only?.split(',').map((id) => id.trim())
const selected = (...ids: string[]) => !only || ids.some((id) => only.includes(id))
if (only && !args.out) log(`only ${only.join(', ')}: nothing is written unless given --out`)

const startedAt = new Date()
const busySamples: number[] = []
let quietSpentMs = 0
const beforeEach = async () => {
  const allowed = Math.min(plan.quietWaitMs, plan.quietBudgetMs - quietSpentMs)
  if (allowed <= 0) return
  const quiet = await waitForQuietCpu(allowed)
  quietSpentMs += quiet.waitedMs
  if (quiet.busy !== null) busySamples.push(quiet.busy)
}
const loadBefore = loadAverage()

// Case 7 measures this process's own event loop: run before llama.cpp and the model are loaded.
const recordingRows = selected('7a', '7b')
  ? await recordingCase({ runs: quick ? 1 : 3, beforeEach, log })
  : []

const demoModelPath = join(repoRoot, 'resources/models/tokenscope-demo.gguf')
const modelPath =
  args.model ?? (quick ? demoModelPath : await ensureBenchModel(defaultBenchModelPath(), log))
const modelBytes = statSync(modelPath).size
// The engine's own way to start llama.cpp: the best prebuilt backend, else the CPU.
const runtime = await startLlamaRuntime({ demoModelPath })
log(`engine binary: ${runtime.binary.label} (${runtime.binary.reason})`)
const { llama } = runtime
// Pinned, so that every row runs both sides on the same count: one thread for models under
// 64 MiB, else one per physical core. Left to itself the engine times the counts at load and
// takes the fastest (thread-choice.ts); row 2.t checks that choice against the pinned one.
const smallModel = modelBytes < 64 * 2 ** 20
const threads =
  args.threads !== undefined ? positive(args.threads, 1) : smallModel ? 1 : llama.cpuMathCores
const loadOptions = { source: { kind: 'file' as const, path: modelPath }, threads, contextSize: 0 }

const rows: BenchRow[] = []
const session = await openBenchSession(llama, modelPath, { threads })
const modelLabel = `${basename(modelPath)} (${(modelBytes / 2 ** 20).toFixed(0)} MiB, ${session.info.architecture}, vocabulary ${session.info.vocabSize.toLocaleString('en')}, context ${session.info.contextSize})`
log(`model ${modelLabel}, ${threads} thread(s)`)
try {
  const generation = { ...plan, beforeEach, log }
  if (selected('1', '1.d1', '1.d2', '1.d3')) {
    rows.push(...(await generationCase(session, { ...generation, diagnose: !quick })))
  }
  if ((!quick && !only) || only?.some((id) => id.startsWith('1.k0'))) {
    rows.push(...(await wholeVocabularyCase(session, generation)))
  }
  if (selected('3a', '3b')) {
    rows.push(...(await promptCase(session, { ...generation, runs: plan.promptRuns })))
  }
  if (selected('9')) {
    const scoring = { runs: plan.promptRuns, textTokens: quick ? 200 : 2000, topN: 10 }
    rows.push(...(await scoringCase(session, { ...scoring, beforeEach, log })))
  }
} finally {
  await session.dispose()
}

const endpoints: EngineEndpoint[] = []
try {
  const peer = (args.peer ?? false) && selected('2.peer', '2.peer.ttft', '6.peer', '2.peer.demo')
  if (selected('2', '2.api', '2.t', '6') || peer) {
    const alone = startEngineAlone()
    endpoints.push(alone)
    const stack = selected('2', '2.api') || peer ? await startServeClient(log) : null
    if (stack) endpoints.push(stack)
    await Promise.all([stack, alone].map((endpoint) => endpoint?.service.loadModel(loadOptions)))
    if (stack && selected('2')) {
      rows.push(...(await stackCase(stack, alone, { ...plan, beforeEach, log })))
    }
    if (stack && selected('2.api'))
      rows.push(...(await apiCase(stack, { ...plan, beforeEach, log })))
    if (stack && peer) {
      const contextSize = session.info.contextSize
      const peerOptions = { ...plan, beforeEach, log, modelPath, threads, contextSize }
      const peerRows = selected('2.peer.ttft', '6.peer') ? 'all' : 'rate'
      rows.push(...(await peerCase(stack, { ...peerOptions, rows: peerRows })))
      if (!smallModel && selected('2.peer.demo')) {
        // The issue's second model: the demo's 2k vocabulary, where per-token costs outside the
        // model weigh most. One thread on both sides, as the engine pins small models.
        // Greedy, so that both sides write the same 512 tokens (a sampled demo reply can end
        // early), and enough of them that the engine's 16 ms batches do not decide the rate.
        // An engine of its own, without the host, says what the host and the WebSocket cost.
        const demo = { modelPath: demoModelPath, threads: 1, contextSize: 2048 }
        const demoAlone = startEngineAlone()
        endpoints.push(demoAlone)
        for (const endpoint of [stack, demoAlone])
          await endpoint.service.loadModel({ source: { kind: 'demo' }, ...demo })
        const sampling = { ...defaultSampling, temperature: 0 }
        const demoRows = { sampling, generatedTokens: 512, rows: 'rate' as const, suffix: '.demo' }
        const floor = await openAddonFloor(llama, demoModelPath, { ...demo, topN: plan.topN })
        const demoOptions = { ...peerOptions, ...demo, ...demoRows, alone: demoAlone, floor }
        try {
          rows.push(...(await peerCase(stack, demoOptions)))
        } finally {
          await floor.dispose()
          await demoAlone.close()
        }
      }
    }
    if (selected('6')) rows.push(...(await parallelCase(alone, { ...plan, beforeEach, log })))
    if (!quick && !smallModel && selected('2.t')) {
      rows.push(...(await defaultThreadsCase(alone, loadOptions, { runs: 2, beforeEach, log })))
    }
    await Promise.all([alone.close(), stack?.close()])
  }
  if (selected('6.rss', '5a', '5b')) {
    // A host and engine of their own, whose inspectors let us collect garbage before reading RSS.
    const inspected = await startServeClient(log, { inspect: true })
    endpoints.push(inspected)
    await inspected.service.loadModel(loadOptions)
    if (selected('6.rss')) {
      // --runs and --tokens, where given, size this case too: the 152k model is slow on a CPU.
      const batches = args.runs ? plan.runs : quick ? 3 : 20
      const tokens = args.tokens ? plan.generatedTokens : quick ? 4 : 32
      const compare = { batches, columns: 4, tokens, topN: plan.topN, log }
      rows.push(...(await compareMemoryCase(inspected, compare)))
    }
    if (selected('5a', '5b'))
      rows.push(...(await memoryCase(inspected, { cycles: plan.cycles, log })))
  }
  if (selected('8a', '8b')) {
    // Trimming is about the chat template and tokenizer, not the weights: the demo model's.
    const demo = startEngineAlone()
    endpoints.push(demo)
    await demo.service.loadModel({ source: { kind: 'demo' } })
    rows.push(...(await longChatCase(demo, { runs: quick ? 1 : 3, beforeEach, log })))
  }
} finally {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()))
}

// The UI and host rows (4, 7) do not run llama.cpp; every other row says which binary did.
for (const row of rows) row.measure += ` [${runtime.binary.kind}]`

// The UI rows are absolute times, not ratios: the processes of the cases before them must have
// gone quiet first (a full run once measured them with the demo model at 494 tok/s, against
// 1,319 tok/s when they ran alone).
if (
  plan.browser &&
  selected('4a', '4b', '4c', '4d', '4e', '4f', '4g', '4h', '4i', '4j', '4k', '4l') &&
  !quick
) {
  const quiet = await waitForQuietCpu(30_000)
  log(
    `before the UI rows: waited ${(quiet.waitedMs / 1000).toFixed(1)} s; CPUs ${((quiet.busy ?? 0) * 100).toFixed(0)}% busy`,
  )
}

if (plan.browser && selected('4a', '4b', '4c', '4d', '4e')) {
  const { rendererCase } = await import('./case-renderer')
  // The UI changes often; a broken case 4 should not cost the engine results.
  try {
    // Ten streams a row (issue #18 counts 10 probe streams), one with --quick; `--runs N` asks for N.
    const streams = args.runs ? plan.runs : quick ? 1 : 10
    rows.push(...(await rendererCase({ runs: streams, log })))
  } catch (error) {
    log(`case 4 failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (plan.browser && selected('4f', '4g', '4h')) {
  const { openSessionCase } = await import('./case-open-session')
  try {
    rows.push(...(await openSessionCase({ runs: Math.max(3, Math.min(plan.runs, 5)), log })))
  } catch (error) {
    log(`case 4f failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (plan.browser && selected('4i', '4j')) {
  const { openChatCase } = await import('./case-open-chat')
  try {
    rows.push(...(await openChatCase({ runs: Math.max(3, Math.min(plan.runs, 5)), log })))
  } catch (error) {
    log(`case 4i failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

if (plan.browser && selected('4k', '4l')) {
  const { openMarkdownCase } = await import('./case-open-markdown')
  try {
    rows.push(...(await openMarkdownCase({ runs: Math.max(3, Math.min(plan.runs, 5)), log })))
  } catch (error) {
    log(`case 4k failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

rows.push(...recordingRows)

function packageVersion(name: string): string {
  const manifest = join(repoRoot, 'node_modules', name, 'package.json')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

const durationSeconds = (Date.now() - startedAt.getTime()) / 1000
console.log(renderTable(rows))
for (const line of rowNotes(rows)) console.log(line)
const idleStarts = busySamples.filter((busy) => busy < 0.15).length
const othersLoad =
  busySamples.length === 0
    ? 'no CPU sampling'
    : `${idleStarts} of ${busySamples.length} measurements started on idle CPUs; others kept them ${(median(busySamples) * 100).toFixed(0)}% busy (median) before a measurement, at most ${(Math.max(...busySamples) * 100).toFixed(0)}%`
const context = {
  startedAt,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  modelLabel,
  threads: `${threads} (in-process cases and the engine processes alike)`,
  nodeLlamaCpp: packageVersion('node-llama-cpp'),
  llamaCpp: llama.llamaCppRelease.release,
  backend: runtime.backend,
  engineBinary: `${runtime.binary.label}: ${runtime.binary.reason}`,
  noise: `load average ${loadBefore.toFixed(1)} before, ${loadAverage().toFixed(1)} after; ${othersLoad} (each waited up to ${plan.quietWaitMs / 1000} s for idle)`,
  durationSeconds,
}
const out = args.out ?? (quick || only ? undefined : join(repoRoot, 'docs', 'benchmarks.md'))
if (out) {
  writeFileSync(out, renderMarkdown(rows, context, findingsFor(rows)))
  log(`wrote ${out}`)
}
log(`done in ${durationSeconds.toFixed(0)} s`)
