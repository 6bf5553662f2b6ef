/**
 * Case 2: tokens per second received by a WebSocket client of the serve host (engine process →
 * host → client) against the same engine driven by its supervisor alone. Case 5: resident memory
 * of the host and the engine after many generate/cancel cycles.
 */
import {
  defaultSampling,
  type GenerateRequest,
  type LoadModelRequest,
  type SamplingSettings,
} from '../../src/shared/schemas'
import { sleep } from './cpu-quiet'
import { ArrivalClock, residentBytes, type EngineEndpoint } from './processes'
import { interleave, ratioRow, type BenchRow } from './stats'

let runCounter = 0
const prompt = 'The quick brown fox jumps over the lazy dog. A token is a piece of text, and'

function request(
  maxTokens: number,
  topN: number,
  sampling: SamplingSettings = defaultSampling,
): GenerateRequest {
  return { runId: `bench-${++runCounter}`, prompt, sampling, maxTokens, topN }
}

/** One run, timed where its tokens arrive. */
async function receivedRate(
  endpoint: EngineEndpoint,
  maxTokens: number,
  topN: number,
  sampling?: SamplingSettings,
) {
  const run = request(maxTokens, topN, sampling)
  const clock = new ArrivalClock()
  const ended = endpoint.runs.watch(run.runId, clock.onTokens)
  await endpoint.service.generate(run)
  await ended
  return clock.tokensPerSecond
}

/** What the cases that compare token rates through the engine process are given. */
export interface RateCaseOptions {
  runs: number
  generatedTokens: number
  topN: number
  /** What the rate cases sample with; the default settings unless given. */
  sampling?: SamplingSettings
  beforeEach: () => Promise<void>
  log: (line: string) => void
}

export async function stackCase(
  stack: EngineEndpoint,
  alone: EngineEndpoint,
  options: RateCaseOptions,
): Promise<BenchRow[]> {
  const { runs, generatedTokens, topN } = options
  options.log(`case 2: ${runs} × ${generatedTokens} tokens, WebSocket client vs engine alone`)
  const pairs = await interleave(
    runs,
    () => receivedRate(stack, generatedTokens, topN, options.sampling),
    () => receivedRate(alone, generatedTokens, topN, options.sampling),
    { beforeEach: options.beforeEach },
  )
  return [
    ratioRow(
      {
        id: '2',
        measure: 'Whole stack: tokens received by a WebSocket client of serve vs engine alone',
        unit: 'tok/s',
      },
      pairs,
      { atLeast: 0.95 },
    ),
  ]
}

/** Like {@link receivedRate}, but a run that is still going after `limitMs` is cancelled. */
async function boundedRate(endpoint: EngineEndpoint, maxTokens: number, limitMs: number) {
  const run = request(maxTokens, 20)
  const clock = new ArrivalClock()
  const ended = endpoint.runs.watch(run.runId, clock.onTokens)
  await endpoint.service.generate(run)
  const timer = setTimeout(() => void endpoint.service.cancel({ runId: run.runId }), limitMs)
  await ended.finally(() => clearTimeout(timer))
  return clock.tokensPerSecond
}

/**
 * The engine picks its own thread count when the user leaves it at 0 (auto); this compares that
 * choice with the count the other cases pin. Runs are capped in time: a bad default is very slow.
 */
export async function defaultThreadsCase(
  alone: EngineEndpoint,
  load: LoadModelRequest & { threads: number },
  options: { runs: number; beforeEach: () => Promise<void>; log: (line: string) => void },
): Promise<BenchRow[]> {
  options.log(`case 2, threads: ${options.runs} × the engine's default thread count vs pinned`)
  const choices: string[] = []
  const withThreads = (threads: number) => async () => {
    const loaded = await alone.service.loadModel({ ...load, threads })
    const choice = loaded.threads
    if (threads === 0 && choice) {
      const trials = choice.trials.map((t) => `${t.threads}: ${t.msPerToken?.toFixed(1)} ms`)
      choices.push(
        `${choice.count} (${choice.how}${trials.length ? `; ${trials.join(', ')}` : ''})`,
      )
    }
    await receivedRate(alone, 2, 20)
    return boundedRate(alone, 16, 15_000)
  }
  const pairs = await interleave(options.runs, withThreads(0), withThreads(load.threads), {
    beforeEach: options.beforeEach,
    warmUp: false,
  })
  await alone.service.loadModel(load)
  return [
    ratioRow(
      {
        id: '2.t',
        measure: `Engine with threads left to its default (0) vs pinned to ${load.threads}`,
        unit: 'tok/s',
        note: `each run reloads the model, warms up with 2 tokens, then times up to 16 (15 s at most); the default chose ${[...new Set(choices)].join(' · ')}`,
      },
      pairs,
      { atLeast: 0.95 },
    ),
  ]
}

/** Starts a long run, cancels it once the first tokens arrive, and waits for its end. */
async function generateAndCancel(endpoint: EngineEndpoint): Promise<void> {
  const run = request(4096, 20)
  let cancelled: Promise<void> | null = null
  const ended = endpoint.runs.watch(run.runId, () => {
    cancelled ??= endpoint.service.cancel({ runId: run.runId })
  })
  await endpoint.service.generate(run)
  const result = await ended
  await cancelled
  // A fast model may reach its end-of-text token before the cancel arrives: the cycle still ran.
  if (result.reason !== 'cancelled' && result.reason !== 'end-of-generation')
    throw new Error(`run ended with ${result.reason}, not cancelled`)
}

export async function memoryCase(
  endpoint: EngineEndpoint,
  options: { cycles: number; log: (line: string) => void },
): Promise<BenchRow[]> {
  options.log(`case 5: ${options.cycles} generate/cancel cycles`)
  const measure = async () => {
    // Let late messages and timers settle, then collect garbage: what is left is what is kept.
    await sleep(500)
    await endpoint.collectGarbage?.()
    await sleep(200)
    return { host: residentBytes(endpoint.hostPid), engine: residentBytes(endpoint.enginePid()) }
  }
  await generateAndCancel(endpoint)
  const first = await measure()
  const halfway = Math.ceil(options.cycles / 2)
  let middle = first
  for (let cycle = 2; cycle <= options.cycles; cycle++) {
    await generateAndCancel(endpoint)
    if (cycle === halfway) middle = await measure()
  }
  const last = await measure()
  const mib = (bytes: number | null) => (bytes === null ? NaN : bytes / 2 ** 20)
  const row = (id: string, what: string, key: 'host' | 'engine') =>
    ratioRow(
      {
        id,
        measure: `${what} RSS after ${options.cycles} generate/cancel cycles vs after the first`,
        unit: 'MiB',
        // A leak keeps growing; a warm-up levels off. The middle sample tells them apart.
        note: `${mib(first[key]).toFixed(1)} → ${mib(middle[key]).toFixed(1)} (cycle ${halfway}) → ${mib(last[key]).toFixed(1)} MiB`,
      },
      [{ ours: mib(last[key]), baseline: mib(first[key]) }],
      { atMost: 1.05 },
    )
  return [row('5a', 'Engine', 'engine'), row('5b', 'Host', 'host')]
}
