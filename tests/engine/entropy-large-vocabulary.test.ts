import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getLlama, type LlamaModel, type Token } from 'node-llama-cpp'
import { ensureBenchModel } from '../../scripts/bench/bench-model'
import type { SamplingSettings } from '../../src/shared/schemas'
import { defaultSampling } from '../../src/shared/schemas'
import { EngineHarness } from '../helpers/engine-harness'

// The Qwen2.5-0.5B-shaped benchmark model (151,936 tokens, seeded random weights, built once and
// cached): its distributions are nearly flat, where a top-N entropy would be far off the truth.
let harness: EngineHarness
let model: LlamaModel
let path: string
let exact: { ids: number[]; bits: number } | undefined

beforeAll(async () => {
  path = await ensureBenchModel()
  // Bounds are the prebuilt binary's: the fast one reads every step's exact entropy in C++.
  process.env.TOKENSCOPE_ENGINE_BINARY = 'prebuilt'
  try {
    harness = new EngineHarness()
  } finally {
    delete process.env.TOKENSCOPE_ENGINE_BINARY
  }
  await harness.engine.loadModel({ source: { kind: 'file', path } })
  model = await (await getLlama({ gpu: false })).loadModel({ modelPath: path })
}, 300_000)
afterAll(async () => {
  harness.stop()
  await model?.dispose()
})

/** −Σ p log2 p of every probability llama.cpp gives after `prompt`, evaluated apart from the engine. */
async function exactEntropyAfter(prompt: readonly number[]): Promise<number> {
  const context = await model.createContext({ contextSize: 512 })
  try {
    const items = prompt.map((id, i) =>
      i === prompt.length - 1
        ? ([
            id as Token,
            { generateNext: { probabilities: true, options: { temperature: 0 } } },
          ] as const)
        : (id as Token),
    )
    const results = await context.getSequence().controlledEvaluate(items as never)
    const probabilities = results[results.length - 1]?.next?.probabilities
    if (!probabilities) throw new Error('no probabilities')
    let total = 0
    probabilities.forEach((p) => (total += p))
    let bits = 0
    probabilities.forEach((p) => {
      if (p > 0) bits -= (p / total) * Math.log2(p / total)
    })
    return bits
  } finally {
    await context.dispose()
  }
}

// Greedy and top-k runs read a head of this vocabulary (bounded-head.ts): their entropy is a
// range that holds the exact value, which the engine reads on demand.
const runs: { name: string; sampling: SamplingSettings; topN: number; bounded: boolean }[] = [
  {
    name: 'greedy, 1 alternative',
    sampling: { ...defaultSampling, temperature: 0 },
    topN: 1,
    bounded: true,
  },
  { name: 'top-k 40, 10 alternatives', sampling: defaultSampling, topN: 10, bounded: true },
  {
    name: 'top-k off, 50 alternatives',
    sampling: { ...defaultSampling, topK: 0 },
    topN: 50,
    bounded: false,
  },
]

describe('entropy on a 152k-token vocabulary', () => {
  it.each(runs)(
    'is exact, or a range holding it with the exact value on demand: $name',
    async ({ sampling, topN, bounded }) => {
      const run = await harness.generate({
        prompt: 'The model predicts',
        sampling,
        topN,
        maxTokens: 1,
      })
      const token = run.tokens[0]
      if (!token || !run.started) throw new Error('the run generated nothing')
      const ids = run.started.prompt.map((t) => t.id)
      // Every run reads the same prompt: its exact entropy is worked out once.
      exact ??= { ids, bits: await exactEntropyAfter(ids) }
      expect(ids).toEqual(exact.ids)
      // Near-uniform over 151,936 tokens: close to log2(151,936) ≈ 17.2 bits, nowhere near a bound.
      expect(exact.bits).toBeGreaterThan(10)
      if (!bounded) {
        expect(token.entropyUpperBits).toBeUndefined()
        expect(Math.abs(token.entropyBits - exact.bits)).toBeLessThanOrEqual(1e-3)
        return
      }
      // The head's probabilities are the engine's whole read's (a run with top-k off), up to
      // the float32 normaliser the addon sums over 151,936 tokens for the top token's probability.
      const whole = await harness.generate({
        prompt: 'The model predicts',
        sampling: { ...defaultSampling, topK: 0 },
        topN: 50,
        maxTokens: 1,
      })
      const reference = new Map(whole.tokens[0]!.alternatives.map((a) => [a.id, a.modelProb]))
      for (const candidate of token.alternatives) {
        const p = reference.get(candidate.id) ?? NaN
        expect(Math.abs(candidate.modelProb - p)).toBeLessThanOrEqual(1e-4 * p)
      }
      expect(token.entropyBits).toBeLessThanOrEqual(exact.bits + 1e-3)
      expect(token.entropyUpperBits).toBeGreaterThanOrEqual(exact.bits - 1e-3)
      const onDemand = await harness.engine.exactEntropy({ tokens: ids })
      expect(Math.abs(onDemand.entropyBits - exact.bits)).toBeLessThanOrEqual(1e-3)
    },
    120_000,
  )
})
