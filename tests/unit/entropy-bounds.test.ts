import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import {
  boundedHeadSize,
  defaultExactEntropyVocabulary,
  entropyBounds,
  exactEntropyVocabulary,
} from '../../src/main/engine/bounded-head'
import { sampleStep } from '../../src/main/engine/step-reader'
import { boundedStep } from '../../src/main/engine/step-sampler'
import { seededUniform } from '../../src/shared/sampling'
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'

const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

/** A distribution over `size` tokens, highest first, as [id, p] pairs. */
function distribution(size: number, spread: number, seed: number): Array<[number, number]> {
  const logits = Array.from({ length: size }, (_, id) => seededUniform(seed, id) * spread)
  const max = Math.max(...logits)
  const weights = logits.map((l) => Math.exp(l - max))
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w, id): [number, number] => [id, w / total]).sort((a, b) => b[1] - a[1])
}

const bitsOf = (all: Array<[number, number]>) =>
  all.reduce((h, [, p]) => (p > 0 ? h - p * Math.log2(p) : h), 0)

/** What the addon's top-k sampler returns: the head, renormalised over itself, flat. */
function addonHead(all: Array<[number, number]>, k: number): number[] {
  const head = all.slice(0, k)
  const mass = head.reduce((s, [, p]) => s + p, 0)
  return head.flatMap(([id, p]) => [id, p / mass])
}

describe('entropy bounds from a head', () => {
  it('hold the exact entropy, for peaked and flat distributions alike', () => {
    for (let seed = 0; seed < 20; seed++) {
      const all = distribution(5000, seed % 2 === 0 ? 20 : 2, seed)
      const exact = bitsOf(all)
      for (const k of [1, 10, 40, 400]) {
        const { lowerBits, upperBits } = entropyBounds(
          all.slice(0, k).map(([, p]) => p),
          k,
          all.length,
        )
        expect(lowerBits).toBeLessThanOrEqual(exact + 1e-9)
        expect(upperBits).toBeGreaterThanOrEqual(exact - 1e-9)
      }
    }
  })

  it('are the exact entropy when the head is everything, and the upper one for an even tail', () => {
    const all = distribution(300, 5, 3)
    const probabilities = all.map(([, p]) => p)
    const whole = entropyBounds(probabilities, all.length, all.length)
    expect(whole.lowerBits).toBeCloseTo(bitsOf(all), 9)
    expect(whole.upperBits).toBeCloseTo(bitsOf(all), 9)
    // 0.5 on one token, the rest spread evenly over 1,000: the upper bound is exact.
    const even = entropyBounds([0.5], 1, 1001)
    expect(even.upperBits).toBeCloseTo(0.5 + 0.5 * Math.log2(1000 / 0.5), 9)
    // Each tail token is at most 0.5: at least 1 bit each, 0.5 · 1 in all.
    expect(even.lowerBits).toBeCloseTo(1, 9)
  })
})

const large = 152_000

describe('when a run bounds the entropy', () => {
  it('only large vocabularies, on the prebuilt binary, with top-k or greedy and no penalties', () => {
    expect(boundedHeadSize(defaultSampling, 20, large, false, {})).toBe(40)
    expect(boundedHeadSize({ ...defaultSampling, topK: 5 }, 20, large, false, {})).toBe(20)
    expect(
      boundedHeadSize({ ...defaultSampling, temperature: 0, topK: 0 }, 3, large, false, {}),
    ).toBe(3)
    expect(boundedHeadSize(defaultSampling, 20, large, true, {})).toBeNull()
    expect(boundedHeadSize(defaultSampling, 20, 2048, false, {})).toBeNull()
    expect(boundedHeadSize({ ...defaultSampling, topK: 0 }, 20, large, false, {})).toBeNull()
    const penalised = { ...defaultSampling, presencePenalty: 0.5 }
    expect(boundedHeadSize(penalised, 20, large, false, {})).toBeNull()
  })

  it('reads its vocabulary limit from TOKENSCOPE_EXACT_ENTROPY_VOCAB', () => {
    expect(exactEntropyVocabulary({})).toBe(defaultExactEntropyVocabulary)
    expect(exactEntropyVocabulary({ TOKENSCOPE_EXACT_ENTROPY_VOCAB: '0' })).toBe(0)
    expect(exactEntropyVocabulary({ TOKENSCOPE_EXACT_ENTROPY_VOCAB: 'x' })).toBe(16_384)
    const env = { TOKENSCOPE_EXACT_ENTROPY_VOCAB: '0' }
    expect(boundedHeadSize(defaultSampling, 20, 2048, false, env)).toBe(40)
  })
})

const settings: Array<[string, SamplingSettings]> = [
  ['top-k 40', defaultSampling],
  ['top-k 5, hot', { ...defaultSampling, topK: 5, temperature: 1.6 }],
  ['greedy', { ...defaultSampling, temperature: 0, topK: 0 }],
]

describe('a bounded step', () => {
  for (const [name, sampling] of settings) {
    it(`samples and reports what the whole distribution gives: ${name}`, () => {
      const topN = 10
      const top = boundedHeadSize(sampling, topN, large, false, {})!
      for (let step = 0; step < 10; step++) {
        const all = distribution(3000, step % 2 === 0 ? 12 : 3, step + 1)
        const full = sampleStep(
          model,
          { probabilities: new Map(all as never) },
          sampling,
          topN,
          5,
          step,
        )
        const pairs = boundedStep(addonHead(all, top), all[0]![1], all.length)
        const fromHead = sampleStep(model, { pairs }, sampling, topN, 5, step)
        expect(fromHead.id).toBe(full.id)
        expect(fromHead.rank).toBe(full.rank)
        expect(fromHead.modelProb).toBeCloseTo(full.modelProb, 12)
        expect(fromHead.samplingProb).toBeCloseTo(full.samplingProb, 12)
        expect(fromHead.tailMass).toBeCloseTo(full.tailMass, 12)
        expect(fromHead.alternatives.map((a) => a.id)).toEqual(full.alternatives.map((a) => a.id))
        expect(full.entropyUpperBits).toBeUndefined()
        expect(fromHead.entropyBits).toBeLessThanOrEqual(full.entropyBits + 1e-9)
        expect(fromHead.entropyUpperBits).toBeGreaterThanOrEqual(full.entropyBits - 1e-9)
      }
    })
  }
})
