import { describe, expect, it } from 'vitest'
import {
  applySamplerChain,
  entropyBits,
  pickCandidate,
  seededUniform,
  type ScoredToken,
} from '../../src/shared/sampling'

const logits: ScoredToken[] = [
  { id: 10, logit: 3 },
  { id: 11, logit: 2 },
  { id: 12, logit: 1 },
  { id: 13, logit: 0 },
  { id: 14, logit: -1 },
]
const softmax = (values: number[]) => {
  const max = Math.max(...values)
  const exps = values.map((v) => Math.exp(v - max))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((e) => e / sum)
}
const neutral = { temperature: 1, topK: 0, topP: 1, minP: 0 }
const kept = (settings: typeof neutral, fullWeight?: number) => {
  const result = applySamplerChain(logits, settings, fullWeight)
  if (!result.complete) throw new Error('incomplete')
  return result.kept
}

describe('applySamplerChain', () => {
  it('is a plain softmax with every stage switched off', () => {
    expect(kept(neutral).map((c) => c.prob)).toEqual(
      softmax([3, 2, 1, 0, -1]).map((p) => expect.closeTo(p, 12)),
    )
  })

  it('keeps the k most likely tokens with top-k', () => {
    const result = kept({ ...neutral, topK: 2 })
    expect(result.map((c) => c.id)).toEqual([10, 11])
    expect(result[0]?.prob).toBeCloseTo(softmax([3, 2])[0] ?? 0, 12)
  })

  it('keeps the smallest head whose mass reaches top-p', () => {
    const p = softmax([3, 2, 1, 0, -1])
    const target = (p[0] ?? 0) + (p[1] ?? 0) - 1e-9
    expect(kept({ ...neutral, topP: target }).map((c) => c.id)).toEqual([10, 11])
    expect(kept({ ...neutral, topP: target + 2e-9 }).map((c) => c.id)).toEqual([10, 11, 12])
  })

  it('drops tokens below min-p times the top probability', () => {
    // e^(1-3) = 0.135 ≥ 0.1 stays; e^(0-3) = 0.0498 < 0.1 goes.
    expect(kept({ ...neutral, minP: 0.1 }).map((c) => c.id)).toEqual([10, 11, 12])
  })

  it('applies temperature after truncation', () => {
    const result = kept({ ...neutral, topK: 3, temperature: 0.5 })
    expect(result.map((c) => c.prob)).toEqual(softmax([6, 4, 2]).map((p) => expect.closeTo(p, 12)))
  })

  it('is greedy at temperature 0', () => {
    expect(kept({ ...neutral, temperature: 0 })).toEqual([{ id: 10, logit: 3, prob: 1 }])
  })

  it('asks for more logits when only the head of the vocabulary is known and nothing cuts it', () => {
    expect(applySamplerChain(logits, neutral, 100).complete).toBe(false)
    expect(applySamplerChain(logits, { ...neutral, topK: 5 }, 100).complete).toBe(true)
    expect(applySamplerChain(logits, { ...neutral, minP: 0.1 }, 100).complete).toBe(true)
  })

  it('normalises top-p over the whole vocabulary when top-k is off', () => {
    const weight = [3, 2, 1, 0, -1].reduce((s, l) => s + Math.exp(l - 3), 0) + 50
    // With a heavy unseen tail the head never reaches 0.9, so the chain cannot be completed.
    expect(applySamplerChain(logits, { ...neutral, topP: 0.9 }, weight).complete).toBe(false)
    // A small threshold is reached by the first token alone.
    expect(kept({ ...neutral, topP: 0.01 }, weight).map((c) => c.id)).toEqual([10])
  })
})

describe('seeded sampling', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const stream = (seed: number) =>
      Array.from({ length: 8 }, (_, step) => seededUniform(seed, step))
    expect(stream(42)).toEqual(stream(42))
    expect(stream(42)).not.toEqual(stream(43))
    for (const u of [...stream(1), ...stream(0xffffffff)]) {
      expect(u).toBeGreaterThanOrEqual(0)
      expect(u).toBeLessThan(1)
    }
  })

  it('picks by inverse transform', () => {
    const dist = [
      { id: 1, logit: 0, prob: 0.5 },
      { id: 2, logit: 0, prob: 0.3 },
      { id: 3, logit: 0, prob: 0.2 },
    ]
    expect(pickCandidate(dist, 0.1).id).toBe(1)
    expect(pickCandidate(dist, 0.6).id).toBe(2)
    expect(pickCandidate(dist, 0.95).id).toBe(3)
  })
})

describe('entropyBits', () => {
  it('is 1 bit for a fair coin and counts the unseen tail as one outcome', () => {
    expect(entropyBits([0.5, 0.5])).toBeCloseTo(1, 12)
    expect(entropyBits([0.5])).toBeCloseTo(1, 12)
    expect(entropyBits([1])).toBe(0)
  })
})
