import { describe, expect, it } from 'vitest'
import { fullWeightOf, incompleteReason, labStep, type LabCandidate } from '../../src/shared/lab'
import { applySamplerChain } from '../../src/shared/sampling'

// A made-up vocabulary of 30 tokens; the Lab sees only its top 8.
const logits = Array.from({ length: 30 }, (_, i) => 4 - i * 0.45)
const weight = logits.reduce((sum, l) => sum + Math.exp(l - 4), 0)
const vocabulary: LabCandidate[] = logits.map((logit, id) => ({
  id,
  text: `t${id}`,
  logit,
  modelProb: Math.exp(logit - 4) / weight,
}))
const stored = vocabulary.slice(0, 8)
const tail = 1 - stored.reduce((sum, c) => sum + c.modelProb, 0)

describe('the Sampling Lab from stored top-N logits', () => {
  it('derives the vocabulary-wide normaliser from any stored probability', () => {
    expect(fullWeightOf(stored)).toBeCloseTo(weight, 10)
  })

  it('agrees with the chain on the whole vocabulary whenever top-N suffices', () => {
    const grid = [
      { temperature: 0.7, topK: 5, topP: 1, minP: 0 },
      { temperature: 1.3, topK: 0, topP: 0.6, minP: 0 },
      { temperature: 1, topK: 0, topP: 1, minP: 0.3 },
      { temperature: 2, topK: 8, topP: 0.9, minP: 0.05 },
    ]
    for (const settings of grid) {
      const lab = labStep(stored, settings, tail)
      const whole = applySamplerChain(vocabulary, settings)
      if (!whole.complete) throw new Error('whole vocabulary')
      expect(lab.complete).toBe(true)
      expect(lab.keptCount).toBe(whole.kept.length)
      for (const kept of whole.kept) {
        const bar = lab.bars.find((b) => b.id === kept.id)
        expect(Math.abs((bar?.afterProb ?? NaN) - kept.prob)).toBeLessThan(1e-12)
      }
      const afterSum = lab.bars.reduce((sum, b) => sum + (b.afterProb ?? 0), 0)
      expect(afterSum).toBeCloseTo(1, 10)
    }
  })

  it('marks the top-k cut-off and what it removed', () => {
    const lab = labStep(stored, { temperature: 1, topK: 3, topP: 1, minP: 0 }, tail)
    expect(lab.topKKept).toBe(3)
    expect(lab.bars.map((b) => b.cutBy)).toEqual([null, null, null, ...Array(5).fill('top-k')])
    expect(lab.keptMass).toBeCloseTo(
      stored[0]!.modelProb + stored[1]!.modelProb + stored[2]!.modelProb,
      12,
    )
  })

  it('draws the cumulative line top-p compares with, renormalised after top-k', () => {
    const noK = labStep(stored, { temperature: 1, topK: 0, topP: 0.5, minP: 0 }, tail)
    expect(noK.bars[1]?.cumulative).toBeCloseTo(stored[0]!.modelProb + stored[1]!.modelProb, 12)
    const reach = noK.bars.findIndex((b) => b.cumulative >= 0.5)
    expect(noK.topPKept).toBe(reach + 1)
    expect(noK.bars.slice(reach + 1).every((b) => b.cutBy === 'top-p')).toBe(true)

    const withK = labStep(stored, { temperature: 1, topK: 4, topP: 0.9, minP: 0 }, tail)
    expect(withK.bars[3]?.cumulative).toBeCloseTo(1, 12)
  })

  it('puts the min-p threshold at min-p times the top probability', () => {
    const lab = labStep(stored, { temperature: 1, topK: 0, topP: 1, minP: 0.2 }, tail)
    expect(lab.minPThreshold).toBeCloseTo(0.2 * stored[0]!.modelProb, 12)
    for (const bar of lab.bars) {
      expect(bar.cutBy === 'min-p').toBe(bar.modelProb < lab.minPThreshold!)
    }
  })

  it('reports the tail it cannot show, and says so when the chain needs more tokens', () => {
    const settings = { temperature: 1, topK: 0, topP: 0.99, minP: 0 }
    const lab = labStep(stored, settings, tail)
    expect(lab.complete).toBe(false)
    expect(lab.keptMass).toBeNull()
    expect(lab.bars.every((b) => b.afterProb === null)).toBe(true)
    expect(lab.tailMass).toBeCloseTo(tail, 12)
    expect(incompleteReason(settings, 8)).toMatch(/beyond the 8 stored candidates.*top-k is off/)
  })

  it('is greedy at temperature 0: all probability on the top token', () => {
    const lab = labStep(stored, { temperature: 0, topK: 0, topP: 1, minP: 0 }, tail)
    expect(lab.greedy).toBe(true)
    expect(lab.bars.map((b) => b.afterProb)).toEqual([1, 0, 0, 0, 0, 0, 0, 0])
    expect(lab.keptMass).toBeCloseTo(stored[0]!.modelProb, 12)
  })

  it('sorts candidates by logit whatever order they come in', () => {
    const lab = labStep([...stored].reverse(), { temperature: 1, topK: 2, topP: 1, minP: 0 }, tail)
    expect(lab.bars.map((b) => b.id).slice(0, 2)).toEqual([0, 1])
  })
})
