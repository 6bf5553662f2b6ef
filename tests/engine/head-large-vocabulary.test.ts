import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LlamaContext, LlamaModel, Token } from 'node-llama-cpp'
import { ensureBenchModel } from '../../scripts/bench/bench-model'
import type { SamplingSettings } from '../../src/shared/schemas'
import { defaultSampling } from '../../src/shared/schemas'
import { EngineHarness } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'

// On the binary the engine picks, a run's alternatives and entropy on the 151,936-token bench
// model are those of llama.cpp's whole distribution from the same binary. With a fast build the
// engine reads only the head (patches 0002, 0004, 0005, 0007: partial sort, its own exp, a typed
// array, straight from the logits when greedy); the reference here is every probability,
// sorted and normalised by node-llama-cpp.
let harness: EngineHarness
let path: string
let model: LlamaModel
let context: LlamaContext

beforeAll(async () => {
  path = await ensureBenchModel()
  harness = new EngineHarness()
  model = await (await engineLlama()).loadModel({ modelPath: path })
  context = await model.createContext({ contextSize: 512 })
}, 300_000)
afterAll(async () => {
  harness?.stop()
  await context?.dispose()
  await model?.dispose()
})

/** Every probability after `prompt`, most likely first, and −Σ p log2 p. */
async function wholeDistributionAfter(prompt: readonly number[]) {
  const sequence = context.getSequence()
  try {
    const items = prompt.map((id, i) =>
      i === prompt.length - 1
        ? [id as Token, { generateNext: { probabilities: true, options: { temperature: 0 } } }]
        : (id as Token),
    )
    const results = await sequence.controlledEvaluate(items as never)
    const probabilities = results.at(-1)?.next?.probabilities as Map<number, number> | undefined
    if (!probabilities) throw new Error('no probabilities')
    let bits = 0
    for (const p of probabilities.values()) if (p > 0) bits -= p * Math.log2(p)
    const ranked = [...probabilities.entries()].sort((a, b) => b[1] - a[1])
    return { probabilities, ranked, bits }
  } finally {
    sequence.dispose()
  }
}

const runs: { name: string; sampling: SamplingSettings; topN: number }[] = [
  { name: 'greedy, 1 alternative', sampling: { ...defaultSampling, temperature: 0 }, topN: 1 },
  { name: 'top-k 40, 10 alternatives', sampling: defaultSampling, topN: 10 },
  {
    name: 'top-k off, top-p 0.95, 20 alternatives',
    sampling: { ...defaultSampling, topK: 0 },
    topN: 20,
  },
]

describe('the head of a 152k-token distribution, on the binary the engine uses', () => {
  it.each(runs)(
    'holds the most likely tokens with their probabilities and the exact entropy: $name',
    async ({ sampling, topN }) => {
      // A fresh context: one that kept the last run's prompt would evaluate only part of it, in
      // another batch, and its logits would round differently from the reference's (1e-4).
      await harness.engine.loadModel({ source: { kind: 'file', path } })
      const run = await harness.generate({
        prompt: 'The model predicts',
        sampling,
        topN,
        maxTokens: 1,
      })
      const token = run.tokens[0]
      if (!token || !run.started) throw new Error('the run generated nothing')
      const whole = await wholeDistributionAfter(run.started.prompt.map((t) => t.id))

      expect(token.alternatives.map((a) => a.id)).toEqual(
        whole.ranked.slice(0, topN).map(([id]) => id),
      )
      // node-llama-cpp normalises in float32 over 151,936 tokens; the head is summed in double.
      for (const candidate of token.alternatives) {
        const p = whole.probabilities.get(candidate.id) ?? NaN
        expect(Math.abs(candidate.modelProb - p)).toBeLessThanOrEqual(1e-4 * p)
      }
      // Near-uniform: close to log2(151,936) ≈ 17.2 bits, where a top-N entropy would be far off.
      expect(whole.bits).toBeGreaterThan(10)
      if (token.entropyUpperBits === undefined) {
        expect(Math.abs(token.entropyBits - whole.bits)).toBeLessThanOrEqual(1e-3)
      } else {
        expect(token.entropyBits).toBeLessThanOrEqual(whole.bits + 1e-3)
        expect(token.entropyUpperBits).toBeGreaterThanOrEqual(whole.bits - 1e-3)
      }
    },
    120_000,
  )
})
