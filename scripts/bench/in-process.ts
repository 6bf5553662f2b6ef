/**
 * The engine's generation loop and plain node-llama-cpp, run in this process on the same model,
 * context and sequence, so that the only difference between them is the loop itself.
 */
import { basename } from 'node:path'
import type { Llama, Token } from 'node-llama-cpp'
import type { RunEvent, RunStats } from '../../src/shared/contract'
import type { SamplingSettings, ValidGenerateRequest } from '../../src/shared/schemas'
import { runGeneration } from '../../src/main/engine/generation'
import type { ModelSession } from '../../src/main/engine/model-session'
import { claimHead, type HeadRequest } from '../../src/main/engine/probability-head'
import { hookStepSampler } from '../../src/main/engine/step-sampler'

export interface BenchSession extends ModelSession {
  llama: Llama
  threads: number
}

/** The engine's default context: the trained size, at most 4096. */
const defaultContextCap = 4096

export async function openBenchSession(
  llama: Llama,
  path: string,
  options: { threads: number },
): Promise<BenchSession> {
  const model = await llama.loadModel({ modelPath: path })
  const context = await model.createContext({
    contextSize: Math.min(model.trainContextSize, defaultContextCap),
    sequences: 1,
    threads: options.threads,
  })
  return {
    llama,
    threads: context.currentThreads,
    model,
    context,
    sequence: context.getSequence(),
    info: {
      name: basename(path),
      fileName: basename(path),
      path,
      sizeBytes: model.size,
      architecture: model.fileInfo.metadata.general.architecture ?? 'unknown',
      vocabSize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
      trainedContextSize: model.trainContextSize,
      contextSize: context.contextSize,
      isDemo: false,
      sha256: null,
    },
    openEmbedding() {
      throw new Error('the bench opens no embedding context')
    },
    openBatch() {
      throw new Error('the benchmark runs one sequence')
    },
    async runBlocking(_label, work) {
      return work()
    },
    async dispose() {
      await context.dispose()
      await model.dispose()
    },
  }
}

/** Tokens per second between the first and the last token, as the engine reports it. */
export function rateOf(times: readonly number[]): number {
  const first = times[0]
  const last = times[times.length - 1]
  if (first === undefined || last === undefined || times.length < 2) return NaN
  return ((times.length - 1) * 1000) / (last - first)
}

/** One run of the engine's own loop (probabilities and all); returns its final stats. */
export async function runOurLoop(
  session: BenchSession,
  request: ValidGenerateRequest,
): Promise<RunStats> {
  await session.sequence.clearHistory()
  let stats: RunStats | null = null
  const { sequence } = session
  await runGeneration(
    session,
    request,
    sequence,
    new AbortController().signal,
    (event: RunEvent) => {
      if (event.kind === 'ended') stats = event.stats
    },
  )
  if (!stats) throw new Error('the run did not end')
  return stats
}

export interface PlainRun {
  timeToFirstTokenMs: number
  tokensPerSecond: number
  promptTokens: number
}

/** What an app without probabilities does: `sequence.evaluate` with the same sampling settings. */
export async function runPlainEvaluate(
  session: BenchSession,
  prompt: string,
  sampling: SamplingSettings,
  maxTokens: number,
): Promise<PlainRun> {
  await session.sequence.clearHistory()
  const startedAt = performance.now()
  const tokens = session.model.tokenize(prompt, true)
  const times: number[] = []
  const generator = session.sequence.evaluate(tokens, {
    temperature: sampling.temperature,
    topK: sampling.topK,
    topP: sampling.topP,
    minP: sampling.minP,
    seed: sampling.seed,
  })
  for await (const token of generator) {
    void token
    times.push(performance.now())
    if (times.length >= maxTokens) break
  }
  return {
    timeToFirstTokenMs: (times[0] ?? NaN) - startedAt,
    tokensPerSecond: rateOf(times),
    promptTokens: tokens.length,
  }
}

/**
 * A bare loop making the engine's native requests the engine's way (one generator per run and,
 * when `probabilities` is asked for, each step read by the engine's own step sampler) with no
 * work in JavaScript: it separates what node-llama-cpp and its addon cost for a request from what
 * our own code adds.
 */
export async function runControlledLoop(
  session: BenchSession,
  prompt: string,
  generateNext: { probabilities?: boolean },
  maxTokens: number,
  head: HeadRequest | null = null,
  /** The head a bounded run reads on the prebuilt binary (bounded-head.ts); null reads all. */
  bounded: number | null = null,
): Promise<number> {
  const { sequence, model } = session
  await sequence.clearHistory()
  // With the fast binary, the head the engine's loop asks for; nothing on the prebuilt one.
  const releaseHead = claimHead(sequence.context, head)
  const reader = generateNext.probabilities
    ? hookStepSampler(model, sequence, bounded, session.info.vocabSize)
    : null
  const steps = sequence.evaluateWithMetadata(
    model.tokenize(prompt, true),
    {},
    {
      temperature: 0,
      yieldEogToken: true,
    },
  )
  try {
    const times: number[] = []
    let feed: Token | undefined
    while (times.length < maxTokens) {
      const next = await steps.next(feed as Token)
      if (next.done) throw new Error('no token came back')
      if (reader && !reader.take()) throw new Error('no probabilities came back')
      times.push(performance.now())
      feed = next.value.token
    }
    return rateOf(times)
  } finally {
    await steps.return()
    reader?.release()
    releaseHead()
  }
}
