/**
 * Case 2.peer (`npm run bench -- --peer`, once `npm run peer:build` has built it): Tokenscope
 * over its WebSocket against llama.cpp's own `llama-server` built from the same source, on the
 * same model, threads and context size, both asked for 20 alternatives per token:
 * - 2.peer: tokens per second of one stream;
 * - 2.peer.ttft: time to the first token of a long prompt;
 * - 6.peer: four Compare columns (generateMany) against four requests to `llama-server -np 4`.
 */
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'
import {
  isPeerBuilt,
  llamaServerPath,
  startLlamaServer,
  type LlamaServer,
} from '../../tests/helpers/llama-server'
import type { AddonFloor } from './addon-floor'
import { apiPrompt, apiRate, socketRate, streamCompletion } from './case-api'
import { columnsRate } from './case-parallel'
import type { RateCaseOptions } from './case-stack'
import { ArrivalClock, type EngineEndpoint } from './processes'
import { interleave, ratioRow, type BenchRow } from './stats'

export interface PeerCaseOptions extends RateCaseOptions {
  modelPath: string
  threads: number
  contextSize: number
  /** Tokens of the long prompt that 2.peer.ttft starts from. */
  promptTokens: number
  /** `rate` measures 2.peer alone (the demo model's row); `all` adds 2.peer.ttft and 6.peer. */
  rows: 'rate' | 'all'
  /** Appended to each row's id and named in its measure: `.demo` for the demo model's row. */
  suffix?: string
  /** 2.peer's settings on both sides; the (temperature 0.8, top-k 40…) when left out. */
  sampling?: SamplingSettings
  /** An engine with no host in front, loaded alike: adds a row without the host's share. */
  alone?: EngineEndpoint
  /** The same model driven through the addon alone (greedy): adds the floor of any loop on it. */
  floor?: AddonFloor
}

const topN = 20
const columns = 4
let promptCounter = 0
let ttftRuns = 0

export async function peerCase(
  stack: EngineEndpoint,
  options: PeerCaseOptions,
): Promise<BenchRow[]> {
  if (!isPeerBuilt()) {
    options.log(`case 2.peer skipped: ${llamaServerPath()} is not built (npm run peer:build)`)
    return []
  }
  const suffix = options.suffix ?? ''
  const rows: BenchRow[] = []
  await withServer(options, 1, async (server) => {
    const { runs, generatedTokens, beforeEach } = options
    const sampling = options.sampling ?? defaultSampling
    const seed = sampling.seed ?? defaultSampling.seed
    const peerSeeds = await seedsTheServerFinishes(server, [seed], sampling, options)
    const peerSampling = { ...sampling, seed: peerSeeds[0]! }
    options.log(`case 2.peer${suffix}: ${runs} × ${generatedTokens} tokens, vs llama-server`)
    const pairs = await interleave(
      runs,
      () => socketRate(stack, generatedTokens, topN, sampling),
      () => apiRate(server, generatedTokens, topN, peerSampling),
      { beforeEach },
    )
    const measure = `Tokenscope over its WebSocket (${topN} alternatives) vs llama-server streaming ${topN} log-probabilities, ${options.threads} thread(s)`
    rows.push(
      ratioRow(
        {
          id: `2.peer${suffix}`,
          measure: suffix
            ? `${measure}, demo model, ${sampling.temperature === 0 ? 'greedy' : 'sampled'}`
            : measure,
          unit: 'tok/s',
          note: seedNote([seed], peerSeeds),
        },
        pairs,
        { atLeast: suffix ? 0.8 : 1 },
      ),
    )
    const diagnoses: [string, string, () => Promise<number>][] = []
    const { alone, floor } = options
    if (alone)
      diagnoses.push([
        'alone',
        'the engine process alone (no host, no WebSocket)',
        () => socketRate(alone, generatedTokens, topN, sampling),
      ])
    if (floor)
      diagnoses.push([
        'floor',
        "node-llama-cpp's addon driven with no loop of JavaScript (a decode and a sampling a token)",
        () => floor.rate(apiPrompt, generatedTokens),
      ])
    for (const [name, what, ours] of diagnoses) {
      const theirs = () => apiRate(server, generatedTokens, topN, peerSampling)
      const pairs = await interleave(runs, ours, theirs, { beforeEach })
      const measure = `Diagnosis: ${what} vs llama-server`
      rows.push(ratioRow({ id: `2.peer${suffix}.${name}`, measure, unit: 'tok/s' }, pairs))
    }
    if (options.rows === 'all') rows.push(await firstTokenRow(stack, server, options))
  })
  if (options.rows === 'all') {
    await withServer(options, columns, async (server) => {
      rows.push(await columnsRow(stack, server, options))
    })
  }
  return rows
}

async function withServer(
  options: PeerCaseOptions,
  parallel: number,
  measure: (server: LlamaServer) => Promise<void>,
) {
  const { modelPath, threads, contextSize } = options
  const server = await startLlamaServer({ modelPath, threads, contextSize, parallel })
  try {
    await measure(server)
  } finally {
    await server.stop()
  }
}

/**
 * A long prompt that no cache holds: it starts with a number of its own, so neither side can
 * reuse the previous run's prompt (llama-server caches prompts, and so does the engine).
 */
async function freshLongPrompt(stack: EngineEndpoint, tokens: number) {
  const sentence =
    'Language models read text as tokens and predict the next one from everything before it. '
  const counted = await stack.service.tokenize({ text: sentence })
  const body = sentence.repeat(Math.max(1, Math.round(tokens / counted.length)))
  return () => `Run ${++promptCounter}. ${body}`
}

async function firstTokenRow(
  stack: EngineEndpoint,
  server: LlamaServer,
  options: PeerCaseOptions,
): Promise<BenchRow> {
  const nextPrompt = await freshLongPrompt(stack, options.promptTokens)
  const promptTokens = (await stack.service.tokenize({ text: nextPrompt() })).length
  const ours = async () => {
    const runId = `bench-peer-ttft-${++ttftRuns}`
    const clock = new ArrivalClock()
    const ended = stack.runs.watch(runId, clock.onTokens)
    const startedAt = performance.now()
    const prompt = nextPrompt()
    await stack.service.generate({ runId, prompt, sampling: defaultSampling, maxTokens: 1, topN })
    await ended
    return clock.firstAt - startedAt
  }
  const theirs = async () => {
    const clock = new ArrivalClock()
    const startedAt = performance.now()
    await streamCompletion(server, 1, topN, clock.onTokens, { prompt: nextPrompt() })
    return clock.firstAt - startedAt
  }
  options.log(`case 2.peer.ttft: ${options.runs} × ${promptTokens}-token prompt`)
  const pairs = await interleave(options.runs, ours, theirs, { beforeEach: options.beforeEach })
  return {
    ...ratioRow(
      {
        id: '2.peer.ttft',
        measure: `Time to first token, ${promptTokens}-token prompt, vs llama-server (both ${topN} alternatives)`,
        unit: 'ms',
      },
      pairs,
      { atMost: 1.1 },
    ),
    note: 'lower is better; ratio ours / llama-server; each run starts a prompt no cache holds',
  }
}

async function columnsRow(
  stack: EngineEndpoint,
  server: LlamaServer,
  options: PeerCaseOptions,
): Promise<BenchRow> {
  const { runs, generatedTokens } = options
  // Four requests at once, seeded as the four columns are (case 6): one clock for all streams.
  const columnSeeds = Array.from({ length: columns }, (_, i) => defaultSampling.seed + i)
  const peerSeeds = await seedsTheServerFinishes(server, columnSeeds, defaultSampling, options)
  const theirs = async () => {
    const clock = new ArrivalClock()
    await Promise.all(
      peerSeeds.map((seed) =>
        streamCompletion(server, generatedTokens, topN, clock.onTokens, {
          sampling: { ...defaultSampling, seed },
        }),
      ),
    )
    return clock.tokensPerSecond
  }
  options.log(`case 6.peer: ${runs} × ${columns} columns vs llama-server -np ${columns}`)
  const pairs = await interleave(
    runs,
    () => columnsRate(stack, columns, generatedTokens, topN),
    theirs,
    { beforeEach: options.beforeEach },
  )
  return ratioRow(
    {
      id: '6.peer',
      measure: `Compare: ${columns} columns (generateMany, over the WebSocket) vs ${columns} streams of llama-server -np ${columns}, tokens/s of all`,
      unit: 'tok/s',
      note: `${generatedTokens} tokens per column, ${topN} alternatives; ${seedNote(columnSeeds, peerSeeds)}`,
    },
    pairs,
    { atLeast: 1 },
  )
}

/**
 * The seeds llama-server can finish a run with. Its output parser (common_chat_parse, applied
 * to /v1/completions too) ends a stream with a 500 when the text holds a byte that is not UTF-8,
 * which the bench model's random weights sometimes draw (seed 42 did, at its 33rd token). Such a
 * seed moves on by 100 until a stream of the row's length comes through whole. The two sides'
 * samplers draw differently from the same seed anyway, so the texts never matched.
 */
async function seedsTheServerFinishes(
  server: LlamaServer,
  wanted: number[],
  sampling: SamplingSettings,
  options: PeerCaseOptions,
): Promise<number[]> {
  const seeds: number[] = []
  for (const first of wanted) {
    let seed = first
    for (let attempt = 0; ; attempt++) {
      try {
        await streamCompletion(server, options.generatedTokens, topN, () => {}, {
          sampling: { ...sampling, seed },
        })
        break
      } catch (error) {
        const rejected = String(error).includes('does not match the expected')
        if (!rejected || attempt === 9) throw error
        options.log(`llama-server rejected its own output for seed ${seed}; trying ${seed + 100}`)
        seed += 100
      }
    }
    seeds.push(seed)
  }
  return seeds
}

function seedNote(ours: number[], theirs: number[]): string {
  const range = (seeds: number[]) =>
    seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds.join(', ')}`
  if (ours.every((seed, i) => seed === theirs[i])) return `${range(ours)} on both sides`
  return `${range(ours)} here; llama-server ${range(theirs)}, as its output parser rejects text that is not UTF-8`
}
