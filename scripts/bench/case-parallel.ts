/**
 * Case 6: what the Compare view gains from batching. Four columns run through the engine's
 * `generateMany` (sequences of one context, decoded together) against one column through the
 * same call, on the same engine process, model and settings.
 */
import {
  defaultSampling,
  type GenerateManyRequest,
  type SamplingSettings,
} from '../../src/shared/schemas'
import { ArrivalClock, type EngineEndpoint } from './processes'
import { interleave, ratioRow, type BenchRow } from './stats'
import type { RateCaseOptions } from './case-stack'

const prompt = 'The quick brown fox jumps over the lazy dog. A token is a piece of text, and'
let requestCounter = 0

/**
 * Aggregate tokens per second of `columns` parallel runs, where their batches arrive: all
 * tokens after the first batch over the time from the first batch to the last, whichever
 * column they belong to.
 */
export async function columnsRate(
  endpoint: EngineEndpoint,
  columns: number,
  maxTokens: number,
  topN: number,
  sampling: SamplingSettings = defaultSampling,
): Promise<number> {
  const id = ++requestCounter
  // Different seeds, as a user comparing columns would set them; the settings are the same.
  const runs = Array.from({ length: columns }, (_, i) => ({
    runId: `bench-columns-${id}-${i}`,
    sampling: { ...sampling, seed: sampling.seed + i },
    maxTokens,
  }))
  const request: GenerateManyRequest = { prompt, topN, runs }
  const clock = new ArrivalClock()
  const ended = runs.map((run) => endpoint.runs.watch(run.runId, clock.onTokens))
  await endpoint.service.generateMany(request)
  await Promise.all(ended)
  return clock.tokensPerSecond
}

export async function parallelCase(
  endpoint: EngineEndpoint,
  options: RateCaseOptions,
): Promise<BenchRow[]> {
  const { runs, generatedTokens, topN } = options
  options.log(`case 6: ${runs} × 4 columns vs 1 column, ${generatedTokens} tokens each`)
  const pairs = await interleave(
    runs,
    () => columnsRate(endpoint, 4, generatedTokens, topN, options.sampling),
    () => columnsRate(endpoint, 1, generatedTokens, topN, options.sampling),
    { beforeEach: options.beforeEach },
  )
  return [
    ratioRow(
      {
        id: '6',
        measure: 'Compare: 4 parallel columns (generateMany) vs 1 column, tokens/s of all columns',
        unit: 'tok/s',
        note: `${generatedTokens} tokens per column, top-${topN}; the 1-column side also runs through generateMany`,
      },
      pairs,
    ),
  ]
}
