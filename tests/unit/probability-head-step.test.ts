import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { headRequestFor, type HeadRequest } from '../../src/main/engine/probability-head'
import { sampleStep } from '../../src/main/engine/step-reader'
import { seededUniform } from '../../src/shared/sampling'
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'

// The fast binary's head (patches/node-llama-cpp/0002) must give the step reader exactly what
// the whole distribution gives it: same token, rank, probabilities and entropy.
const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

function logitsOf(size: number, spread: number, seed: number): Float64Array {
  return Float64Array.from({ length: size }, (_, id) => seededUniform(seed, id) * spread)
}

/** Every token's exact probability, highest first: the whole distribution. */
function whole(logits: Float64Array): Array<[number, number]> {
  const max = Math.max(...logits)
  const weights = Array.from(logits, (l) => Math.exp(l - max))
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w, id): [number, number] => [id, w / total]).sort((a, b) => b[1] - a[1])
}

/** What the patched addon returns for `request`, in JavaScript. */
function head(logits: Float64Array, request: HeadRequest): Map<Token, number> {
  const all = whole(logits)
  const entropy = all.reduce((h, [, p]) => h - p * Math.log(p), 0)
  const threshold = request.minRatio > 0 ? all[0]![1] * request.minRatio : 0
  const extend = request.mass < 1 || request.minRatio > 0
  const map = new Map<Token, number>()
  let cumulative = 0
  let reached = false
  for (const [id, p] of all) {
    map.set(id as Token, p)
    cumulative += p
    if (map.size < request.top) continue
    if (!extend || reached) break
    reached = (request.mass < 1 && cumulative >= request.mass) || p < threshold
  }
  map.set(-1 as Token, entropy)
  map.set(-2 as Token, logits.length)
  return map
}

const settings: Array<[string, SamplingSettings]> = [
  ['defaults (top-k 40)', defaultSampling],
  ['top-k off', { ...defaultSampling, topK: 0 }],
  ['top-k off, min-p only', { ...defaultSampling, topK: 0, topP: 1 }],
  ['top-k off, top-p only', { ...defaultSampling, topK: 0, minP: 0 }],
  ['greedy', { ...defaultSampling, temperature: 0 }],
]

describe('a step read from the head', () => {
  for (const [name, sampling] of settings) {
    it(`matches the whole distribution: ${name}`, () => {
      const request = headRequestFor(sampling, 10)
      expect(request).not.toBeNull()
      for (let step = 0; step < 12; step++) {
        const logits = logitsOf(3000, step % 2 === 0 ? 12 : 3, step + 7)
        const full = sampleStep(
          model,
          { probabilities: new Map(whole(logits) as never) },
          sampling,
          10,
          5,
          step,
        )
        const fromHead = sampleStep(
          model,
          { probabilities: head(logits, request!) },
          sampling,
          10,
          5,
          step,
        )
        expect(fromHead.id).toBe(full.id)
        expect(fromHead.rank).toBe(full.rank)
        expect(fromHead.modelProb).toBeCloseTo(full.modelProb, 12)
        expect(fromHead.samplingProb).toBeCloseTo(full.samplingProb, 12)
        expect(fromHead.entropyBits).toBeCloseTo(full.entropyBits, 9)
        expect(fromHead.tailMass).toBeCloseTo(full.tailMass, 12)
        expect(fromHead.alternatives.map((a) => a.id)).toEqual(full.alternatives.map((a) => a.id))
      }
    })
  }
})
