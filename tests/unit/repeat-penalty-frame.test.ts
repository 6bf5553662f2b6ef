import type { LlamaModel, Token } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { penalisedInModelFrame } from '../../src/main/engine/penalised-order'
import { sampleStep } from '../../src/main/engine/step-reader'
import { decodeTokens } from '../../src/main/host/session-token-decoding'
import { encodeTokens } from '../../src/main/host/session-token-encoding'
import { penaliseForLab } from '../../src/shared/lab-penalties'
import { windowCounts } from '../../src/shared/penalties'
import { applySamplerChain, pickCandidate, seededUniform } from '../../src/shared/sampling'
import type { SamplingSettings } from '../../src/shared/schemas'
import { RunColumns } from '../../src/shared/token-columns'

// llama.cpp's repeat penalty needs each logit's sign, which ln p does not carry: the engine gets
// llama.cpp's penalised probabilities q and moves ln q into ln p's frame. Here the absolute
// logits are known, so the exact penalised chain can be computed and the engine held to it.
const model = { detokenize: (ids: Token[]) => `<${ids.join()}>` } as unknown as LlamaModel

/** llama.cpp's llama_sampler_penalties_apply on one logit. */
function llamaPenalty(logit: number, count: number, s: SamplingSettings): number {
  if (count === 0) return logit
  const theta = s.repeatPenalty ?? 1
  const scaled = logit <= 0 ? logit * theta : logit / theta
  return scaled - count * (s.frequencyPenalty ?? 0) - (s.presencePenalty ?? 0)
}

function softmax(logits: number[]) {
  const max = Math.max(...logits)
  const weights = logits.map((l) => Math.exp(l - max))
  const total = weights.reduce((a, b) => a + b, 0)
  return weights.map((w) => Math.fround(w / total))
}

/** Logits of both signs (as a real model's are), on a grid so that some are equal. */
function absoluteLogits(size: number, seed: number) {
  return Array.from(
    { length: size },
    (_, id) => Math.round((seededUniform(seed, id) * 16 - 9) * 8) / 8,
  )
}

/** node-llama-cpp's shapes: p as a Map highest first, q as [id, q, …] highest first. */
function step(logits: number[], context: number[], sampling: SamplingSettings) {
  const counts = windowCounts(context, sampling)
  const penalised = logits.map((l, id) => llamaPenalty(l, counts.get(id) ?? 0, sampling))
  const p = softmax(logits)
  const q = softmax(penalised)
  const byP = [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b)
  const byQ = [...q.keys()].sort((a, b) => q[b]! - q[a]! || a - b)
  return {
    counts,
    penalised,
    probabilities: new Map(byP.map((id) => [id as Token, p[id]!])),
    flat: byQ.flatMap((id) => [id, q[id]!]),
  }
}

const cases: SamplingSettings[] = [
  { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 3, repeatPenalty: 1.4 },
  { temperature: 0.8, topK: 30, topP: 0.95, minP: 0, seed: 4, repeatPenalty: 0.7 },
  {
    temperature: 1.2,
    topK: 0,
    topP: 0.9,
    minP: 0.02,
    seed: 5,
    repeatPenalty: 2.5,
    presencePenalty: 0.5,
    frequencyPenalty: 0.25,
    penaltyWindow: 6,
  },
  { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 6, repeatPenalty: 0.3 },
]

describe('the repeat penalty in the step reader', () => {
  it.each(cases)('samples from llama.cpp’s penalised logits (%j)', (sampling) => {
    const logits = absoluteLogits(500, sampling.seed)
    const byLogit = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!)
    // Repeats of likely tokens with positive logits and of unlikely ones with negative logits.
    const context = [
      byLogit[0]!,
      byLogit[2]!,
      byLogit[0]!,
      byLogit[400]!,
      byLogit[5]!,
      byLogit[450]!,
    ]
    const { counts, penalised, probabilities, flat } = step(logits, context, sampling)
    const chain = applySamplerChain(
      penalised.map((logit, id) => ({ id, logit })).sort((a, b) => b.logit - a.logit),
      sampling,
    )
    if (!chain.complete) throw new Error('incomplete')
    const output = { probabilities, penalised: flat }
    for (let s = 0; s < 5; s++) {
      const token = sampleStep(model, output, sampling, 10, 7, s, context)
      const expected = pickCandidate(chain.kept, seededUniform(sampling.seed, s))
      expect(token.id).toBe(expected.id)
      expect(token.samplingProb).toBeCloseTo(expected.prob, 5)
      // The model's probability is the unpenalised one.
      expect(token.modelProb).toBeCloseTo(probabilities.get(token.id as Token)!, 6)
      const candidates = [...token.alternatives, ...(token.moreCandidates ?? [])]
      for (const c of candidates) {
        const moved = penalised[c.id]! - logits[c.id]!
        if (counts.has(c.id) && moved !== 0) expect(c.penaltyShift).toBeCloseTo(moved, 5)
        else expect(c.penaltyShift).toBeUndefined()
        const kept = chain.kept.find((k) => k.id === c.id)?.prob ?? 0
        expect(c.samplingProb).toBeCloseTo(kept, 5)
      }
    }
  })

  it('stores a token the penalty raised from deep in the vocabulary, for the Lab', () => {
    const sampling = { temperature: 1, topK: 10, topP: 1, minP: 0, seed: 1, repeatPenalty: 0.5 }
    const logits = absoluteLogits(300, 9)
    const byLogit = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!)
    // The 40th token's positive logit doubled by θ = 0.5: above the whole top ten.
    const deep = byLogit[40]!
    expect(logits[deep]! * 2).toBeGreaterThan(logits[byLogit[0]!]!)
    const { probabilities, flat } = step(logits, [deep], sampling)
    const token = sampleStep(model, { probabilities, penalised: flat }, sampling, 5, 3, 0, [deep])
    const stored = [...token.alternatives, ...(token.moreCandidates ?? [])]
    const raised = stored.find((c) => c.id === deep)
    expect(raised?.penaltyShift).toBeGreaterThan(0)
    expect(raised?.samplingProb).toBeGreaterThan(0)
    // The Lab replays the same shares from what was stored.
    const lab = penaliseForLab(stored, [deep], sampling)
    expect(lab?.candidates.slice(0, 10).map((c) => c.id)).toContain(deep)
  })

  it('moves ln q into ln p’s frame through a token outside the window', () => {
    const logits = [3, 1, -2, 0.5, -4]
    const sampling = { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 1, repeatPenalty: 2 }
    const { probabilities, flat, penalised } = step(logits, [0, 2], sampling)
    const ids = Int32Array.from([...probabilities.keys()])
    const sorted = {
      ids,
      logits: Float64Array.from([...probabilities.values()].map(Math.log)),
      weights: new Float64Array(ids.length),
    }
    const frame = penalisedInModelFrame(
      flat,
      sorted,
      ids.length,
      new Map([
        [0, 1],
        [2, 1],
      ]),
    )
    // ln p = logit − C for one constant C: the frame's penalised logits differ from llama.cpp's
    // by the same C.
    const c = Math.log(probabilities.get(1 as Token)!) - logits[1]!
    expect(frame.get(0)! - c).toBeCloseTo(penalised[0]!, 5)
    expect(frame.get(2)! - c).toBeCloseTo(penalised[2]!, 5)
    expect(frame.size).toBe(2)
  })
})

describe('penalty shifts in stored runs', () => {
  const tokens = () => {
    const sampling = cases[0]!
    const logits = absoluteLogits(200, 2)
    const context = [1, 2, 3, 1]
    const { probabilities, flat } = step(logits, context, sampling)
    const plain = { ...sampling, repeatPenalty: 1 }
    return [
      sampleStep(model, { probabilities, penalised: flat }, sampling, 20, 4, 0, context),
      sampleStep(model, { probabilities }, plain, 20, 5, 1, context),
    ]
  }

  it('survive the host’s columns and the session file; older runs have none', () => {
    const run = tokens()
    const shifts = (list: typeof run) =>
      list.map((t) => [...t.alternatives, ...(t.moreCandidates ?? [])].map((c) => c.penaltyShift))
    expect(shifts(run)[0]!.some((s) => s !== undefined)).toBe(true)
    expect(shifts(run)[1]!.every((s) => s === undefined)).toBe(true)
    const columns = RunColumns.from(run)
    expect(shifts(columns.tokens())).toEqual(shifts(run))
    expect(shifts(columns.prefix(1).tokens())).toEqual(shifts(run.slice(0, 1)))
    expect(shifts(decodeTokens(encodeTokens([], run)).tokens)).toEqual(shifts(run))
    // A run without a repeat penalty makes no column and writes none.
    expect(RunColumns.from(run.slice(1)).altPenaltyShift).toBeNull()
    const encoded = encodeTokens([], run.slice(1))
    expect('tokens' in encoded && encoded.tokens.altPenaltyShift).toBeFalsy()
  })
})
