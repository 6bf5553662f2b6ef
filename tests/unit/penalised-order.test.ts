import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { sampleStep } from '../../src/main/engine/step-reader'
import { penalizedLogit, windowCounts } from '../../src/shared/penalties'
import { applySamplerChain, pickCandidate, seededUniform } from '../../src/shared/sampling'

// The step reader re-places only the penalised tokens instead of sorting the vocabulary again;
// these hold it to a plain stable sort of the penalised logits.
const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

function distribution(size: number, seed: number) {
  // A coarse grid makes many probabilities equal, so the order of ties is tested too.
  const weights = Array.from({ length: size }, (_, id) =>
    Math.exp(Math.round(seededUniform(seed, id) * 6 * 8) / 8),
  )
  const total = weights.reduce((a, b) => a + b, 0)
  const byProb = weights
    .map((w, id) => ({ id, p: Math.fround(w / total) }))
    .sort((a, b) => b.p - a.p)
  return new Map(byProb.map(({ id, p }) => [id as Token, p]))
}

const cases = [
  { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 3, frequencyPenalty: 0.7, presencePenalty: 0 },
  { temperature: 0.7, topK: 20, topP: 0.9, minP: 0, seed: 4, presencePenalty: 1.5 },
  { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 5, frequencyPenalty: 2, penaltyWindow: 5 },
  { temperature: 1.3, topK: 0, topP: 0.8, minP: 0.01, seed: 6, frequencyPenalty: -1 },
]

describe('sampleStep with frequency and presence penalties', () => {
  it.each(cases)(
    'samples from the penalised distribution and reports the model’s (%j)',
    (sampling) => {
      const probabilities = distribution(600, sampling.seed)
      const ids = [...probabilities.keys()]
      // A context whose last tokens repeat some of the likeliest tokens.
      const context = [ids[3]!, ids[0]!, ids[0]!, ids[7]!, ids[1]!, ids[0]!, ids[12]!, ids[1]!]
      const counts = windowCounts(context, sampling)
      const logProbs = ids.map((id) => ({ id, logit: Math.log(probabilities.get(id) ?? 0) }))
      const penalised = logProbs
        .map((c) => ({ id: c.id, logit: penalizedLogit(c.logit, counts.get(c.id) ?? 0, sampling) }))
        .sort((a, b) => b.logit - a.logit)
      const chain = applySamplerChain(penalised, sampling)
      if (!chain.complete) throw new Error('incomplete')
      for (let step = 0; step < 6; step++) {
        const expected = pickCandidate(chain.kept, seededUniform(sampling.seed, step))
        const token = sampleStep(model, { probabilities }, sampling, 10, 9, step, context)
        expect(token.id).toBe(expected.id)
        expect(token.samplingProb).toBeCloseTo(expected.prob, 12)
        expect(token.rank).toBe(ids.indexOf(token.id as Token) + 1)
        expect(token.modelProb).toBeCloseTo(probabilities.get(token.id as Token) ?? NaN, 6)
        for (const alternative of token.alternatives) {
          const kept = chain.kept.find((c) => c.id === alternative.id)
          expect(alternative.samplingProb).toBeCloseTo(kept?.prob ?? 0, 12)
        }
      }
    },
  )

  it('leaves the sampling alone when the penalties are zero or the window is empty', () => {
    const probabilities = distribution(300, 9)
    const base = { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 2 }
    const context = [...probabilities.keys()].slice(0, 4)
    const plain = sampleStep(model, { probabilities }, base, 5, 0, 0, context)
    const off = { ...base, frequencyPenalty: 1, presencePenalty: 1, penaltyWindow: 0 }
    expect(sampleStep(model, { probabilities }, off, 5, 0, 0, context)).toEqual(plain)
    const zero = { ...base, frequencyPenalty: 0, presencePenalty: 0 }
    expect(sampleStep(model, { probabilities }, zero, 5, 0, 0, context)).toEqual(plain)
  })
})
