import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { sampleStep } from '../../src/main/engine/step-reader'
import {
  applySamplerChain,
  chainOverSorted,
  entropyBits,
  keptProbability,
  pickCandidate,
  pickIndex,
  seededUniform,
  type ScoredToken,
} from '../../src/shared/sampling'
import type { SamplingSettings } from '../../src/shared/schemas'

// The step reader runs the chain on typed arrays; these tests hold it to the object path that
// the parity tests hold to llama.cpp (applySamplerChain, pickCandidate, entropyBits).
const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

function randomLogits(size: number, spread: number, seed: number): ScoredToken[] {
  return Array.from({ length: size }, (_, id) => ({
    id,
    // float32 like llama.cpp's, with ties: a coarse grid makes many logits equal.
    logit: Math.fround(Math.round(seededUniform(seed, id) * spread * 64) / 64),
  }))
}

const byLogit = (tokens: readonly ScoredToken[]) => [...tokens].sort((a, b) => b.logit - a.logit)

/**
 * What node-llama-cpp 3.21.1 hands over for these logits: the softmax in float32, in the given
 * order, and the same tokens with ln p as their logit (what the step reader runs the chain on).
 */
function asProbabilities(tokens: readonly ScoredToken[]) {
  const max = Math.max(...tokens.map((t) => t.logit))
  const weights = tokens.map((t) => Math.fround(Math.exp(t.logit - max)))
  const sum = Math.fround(weights.reduce((a, b) => Math.fround(a + b), 0))
  const probabilities = tokens.map((t, i) => Math.fround((weights[i] ?? 0) / sum))
  const map = new Map(tokens.map((t, i) => [t.id as Token, probabilities[i] ?? 0]))
  const logProbs = tokens.map((t, i) => ({ id: t.id, logit: Math.log(probabilities[i] ?? 0) }))
  const top = Math.max(...logProbs.map((t) => t.logit))
  const weight = logProbs.reduce((total, t) => total + Math.exp(t.logit - top), 0)
  return { map, logProbs, weight }
}

/** What the step reader reported before it ran on typed arrays: objects all the way. */
function reference(
  tokens: ScoredToken[],
  weight: number,
  sampling: SamplingSettings,
  step: number,
) {
  const candidates = byLogit(tokens)
  const max = candidates[0]?.logit ?? 0
  const chain = applySamplerChain(candidates, sampling)
  if (!chain.complete) throw new Error('incomplete')
  const chosen = pickCandidate(chain.kept, seededUniform(sampling.seed, step))
  const probs = new Map(chain.kept.map((c) => [c.id, c.prob]))
  const describe = (c: ScoredToken) => ({
    id: c.id,
    logit: c.logit,
    modelProb: Math.exp(c.logit - max) / weight,
    samplingProb: probs.get(c.id) ?? 0,
  })
  return {
    chosen: describe(chosen),
    rank: candidates.findIndex((c) => c.id === chosen.id) + 1,
    alternatives: candidates.slice(0, 20).map(describe),
    entropyBits: entropyBits(candidates.map((c) => Math.exp(c.logit - max) / weight)),
  }
}

const settings: SamplingSettings[] = [
  { temperature: 0.8, topK: 0, topP: 0.95, minP: 0.05, seed: 42 },
  { temperature: 1.3, topK: 0, topP: 0.9, minP: 0, seed: 2 },
  { temperature: 1, topK: 0, topP: 1, minP: 0.1, seed: 4 },
  { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 5 },
  { temperature: 0.5, topK: 0, topP: 0.5, minP: 0.2, seed: 6 },
]

describe('sampleStep over the whole vocabulary', () => {
  it.each(settings)('reports what the object path reports (%j)', (sampling) => {
    for (const [spread, seed] of [
      [0.5, 1],
      [8, 2],
      [40, 3],
    ] as const) {
      const tokens = randomLogits(5000, spread, seed)
      // The addon hands the probabilities over sorted; a shuffled map takes the fallback sort.
      for (const order of [byLogit(tokens), tokens]) {
        const { map, logProbs } = asProbabilities(order)
        // The reference sums the weights in sorted order, as the step reader does.
        const sortedLogProbs = byLogit(logProbs)
        const top = sortedLogProbs[0]?.logit ?? 0
        const weight = sortedLogProbs.reduce((total, t) => total + Math.exp(t.logit - top), 0)
        for (let step = 0; step < 4; step++) {
          const expected = reference(logProbs, weight, sampling, step)
          const token = sampleStep(model, { probabilities: map }, sampling, 20, 7, step)
          const { id, logit, modelProb, samplingProb } = token
          expect({ id, logit, modelProb, samplingProb }).toEqual(expected.chosen)
          expect(token.rank).toBe(expected.rank)
          expect(token.text).toBe(`<${id}>`)
          expect(token.alternatives.map(({ text: _, ...rest }) => rest)).toEqual(
            expected.alternatives,
          )
          expect(token.entropyBits).toBeCloseTo(expected.entropyBits, 10)
        }
      }
    }
  })

  it('reports the exact entropy of the distribution when every logit is there', () => {
    const tokens = randomLogits(3000, 6, 9)
    const max = Math.max(...tokens.map((t) => t.logit))
    const weights = tokens.map((t) => Math.exp(t.logit - max))
    const weight = weights.reduce((a, b) => a + b, 0)
    const exact = -weights.reduce((h, w) => h + (w / weight) * Math.log2(w / weight), 0)
    const { map } = asProbabilities(byLogit(tokens))
    const token = sampleStep(model, { probabilities: map }, settings[0]!, 5, 0, 0)
    // float32 probabilities: exact to far better than the 1e-3 bits the inspector promises.
    expect(Math.abs(token.entropyBits - exact)).toBeLessThan(1e-5)
    expect(token.entropyBits).toBeGreaterThan(0)
  })
})

describe('chainOverSorted', () => {
  it('keeps what applySamplerChain keeps, with the same probabilities and pick', () => {
    const candidates = byLogit(randomLogits(400, 10, 11))
    const logits = Float64Array.from(candidates, (c) => c.logit)
    const weights = logits.map((l) => Math.exp(l - (logits[0] ?? 0)))
    for (const sampling of [...settings, { ...settings[0]!, topK: 40 }]) {
      const expected = applySamplerChain(candidates, sampling)
      if (!expected.complete) throw new Error('incomplete')
      for (const given of [undefined, weights]) {
        const chain = chainOverSorted(logits, logits.length, sampling, undefined, given)
        if (!chain) throw new Error('incomplete')
        expect(chain.kept).toBe(expected.kept.length)
        expected.kept.forEach((c) => expect(keptProbability(chain, c.logit)).toBe(c.prob))
        for (const u of [0, 0.3, 0.999999]) {
          const picked = pickCandidate(expected.kept, u)
          expect(candidates[pickIndex(logits, chain, u)]).toEqual({
            id: picked.id,
            logit: picked.logit,
          })
        }
      }
    }
  })

  it('says when a head of the vocabulary is not enough', () => {
    const logits = Float64Array.from([3, 2, 1])
    const neutral = { temperature: 1, topK: 0, topP: 1, minP: 0 }
    expect(chainOverSorted(logits, 3, neutral, 100)).toBeNull()
    expect(chainOverSorted(logits, 3, { ...neutral, topK: 2 }, 100)?.kept).toBe(2)
    expect(chainOverSorted(logits, 3, { ...neutral, temperature: 0 }, 100)?.kept).toBe(1)
  })
})
