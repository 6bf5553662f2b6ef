import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { sampleStep } from '../../src/main/engine/step-reader'
import { seededUniform } from '../../src/shared/sampling'
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'

// The engine reads each step as the addon's flat [id, p, id, p, …] array (step-sampler.ts)
// instead of node-llama-cpp's Map of it: the step it reports must be the one the Map gave.
const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

/** float32 probabilities in the addon's order (highest first; ties in a shuffled order). */
function addonPairs(size: number, seed: number, spread: number): number[] {
  const logits = Array.from({ length: size }, (_, id) => ({
    id,
    // A coarse grid makes many equal, so the order of ties is carried through too.
    logit: Math.round(seededUniform(seed, id) * spread * 16) / 16,
  }))
  logits.sort((a, b) => b.logit - a.logit || seededUniform(seed + 1, a.id) - 0.5)
  const max = logits[0]!.logit
  const weights = logits.map((t) => Math.fround(Math.exp(t.logit - max)))
  const sum = Math.fround(weights.reduce((a, b) => Math.fround(a + b), 0))
  // Some underflow to 0, as far-off tokens do in float32.
  return logits.flatMap((t, i) => [t.id, Math.fround((weights[i] ?? 0) / sum)])
}

const asMap = (pairs: readonly number[]) => {
  const map = new Map<Token, number>()
  for (let i = 1; i < pairs.length; i += 2) map.set(pairs[i - 1] as Token, pairs[i] ?? 0)
  return map
}

const settings: Array<[string, SamplingSettings]> = [
  ['defaults', defaultSampling],
  ['top-k off', { ...defaultSampling, topK: 0 }],
  ['top-k off, every token kept', { ...defaultSampling, topK: 0, topP: 1, minP: 0 }],
  ['greedy', { ...defaultSampling, temperature: 0 }],
  ['penalties', { ...defaultSampling, frequencyPenalty: 0.5, presencePenalty: 0.3 }],
]

describe('a step read from the flat array', () => {
  for (const [name, sampling] of settings) {
    it(`reports what the Map reported: ${name}`, () => {
      for (let step = 0; step < 10; step++) {
        const pairs = addonPairs(3000, step + 7, step % 2 ? 120 : 8)
        const context = [1, 2, 3, 5, 8, 13, 21, 34].map((id) => (id * (step + 1)) % 3000)
        const fromMap = sampleStep(
          model,
          { probabilities: asMap(pairs) },
          sampling,
          20,
          4,
          step,
          context,
        )
        const fromPairs = sampleStep(model, { pairs }, sampling, 20, 4, step, context)
        expect(fromPairs.id).toBe(fromMap.id)
        expect(fromPairs.rank).toBe(fromMap.rank)
        expect(fromPairs.entropyBits).toBeCloseTo(fromMap.entropyBits, 9)
        expect(fromPairs.alternatives.map((a) => a.id)).toEqual(
          fromMap.alternatives.map((a) => a.id),
        )
        const close = (a: number[], b: number[]) =>
          a.forEach((value, i) => expect(value).toBeCloseTo(b[i] ?? NaN, 12))
        close(
          fromPairs.alternatives.map((a) => a.modelProb),
          fromMap.alternatives.map((a) => a.modelProb),
        )
        close(
          fromPairs.alternatives.map((a) => a.samplingProb),
          fromMap.alternatives.map((a) => a.samplingProb),
        )
        expect((fromPairs.moreCandidates ?? []).map((c) => c.id)).toEqual(
          (fromMap.moreCandidates ?? []).map((c) => c.id),
        )
      }
    })
  }

  it('reads pairs given out of order as the Map path does (sorted, ties kept)', () => {
    const pairs = addonPairs(500, 3, 10)
    // Swap two blocks so the order is broken.
    const shuffled = [...pairs.slice(200), ...pairs.slice(0, 200)]
    const fromMap = sampleStep(model, { probabilities: asMap(shuffled) }, defaultSampling, 10, 0, 1)
    const fromPairs = sampleStep(model, { pairs: shuffled }, defaultSampling, 10, 0, 1)
    expect(fromPairs).toEqual(fromMap)
  })
})
