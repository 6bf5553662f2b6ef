import { describe, expect, it } from 'vitest'
import { labCandidateCount } from '../../src/main/engine/step-reader'
import { labCandidates, labStep } from '../../src/shared/lab'
import { penaliseForLab } from '../../src/shared/lab-penalties'
import { defaultSampling, limits } from '../../src/shared/schemas'
import { fakeToken } from '../helpers/session-fixture'

describe('the candidates a token keeps for the Sampling Lab', () => {
  it('reach top-k’s cut, or with top-k off what the chain kept, within the bounds', () => {
    expect(labCandidateCount(defaultSampling, 3, 10, 2048)).toBe(40)
    expect(labCandidateCount({ ...defaultSampling, topK: 5 }, 3, 10, 2048)).toBe(10)
    expect(labCandidateCount({ ...defaultSampling, topK: 0 }, 300, 10, 2048)).toBe(300)
    expect(labCandidateCount({ ...defaultSampling, topK: 0 }, 2048, 10, 2048)).toBe(
      limits.labCandidates,
    )
    expect(labCandidateCount({ ...defaultSampling, topK: 0 }, 900, 10, 600)).toBe(600)
    // One more per penalised id: penalties can push that many below the cut.
    expect(labCandidateCount(defaultSampling, 3, 10, 2048, 12)).toBe(52)
  })

  it('join the alternatives, and the tail leaves out what they add', () => {
    const token = fakeToken(1, 2)
    const more = [
      { id: 9, text: 'x', logit: -3, modelProb: 0.02, samplingProb: 0.01 },
      { id: 8, text: 'y', logit: -4, modelProb: 0.01, samplingProb: 0 },
    ]
    const { candidates, tailMass } = labCandidates({
      ...token,
      tailMass: 0.5,
      moreCandidates: more,
    })
    expect(candidates.map((c) => c.id)).toEqual([...token.alternatives.map((a) => a.id), 9, 8])
    expect(tailMass).toBeCloseTo(0.47, 12)
    expect(labCandidates({ ...token, tailMass: 0.5 })).toEqual({
      candidates: token.alternatives,
      tailMass: 0.5,
    })
    // The Lab is complete once top-k falls inside them.
    const lab = labStep(candidates, { ...defaultSampling, topK: 4 }, tailMass)
    expect(lab.complete).toBe(true)
  })

  it('with penalties, keep the exact prefix of the penalised order and say what moved', () => {
    // ln p of five stored candidates (and a tail): ids 1..5.
    const logits = [-0.5, -1, -2, -3, -4]
    const candidates = logits.map((logit, i) => ({
      id: i + 1,
      text: `t${i + 1}`,
      logit,
      modelProb: Math.exp(logit),
      samplingProb: 0,
    }))
    const settings = { presencePenalty: 0.5, frequencyPenalty: 1, penaltyWindow: 8 }
    // id 1 occurs twice (−3: still above the floor of −4), id 3 once (−3.5).
    const result = penaliseForLab(candidates, [1, 1, 3], settings)!
    expect(result.candidates.map((c) => c.id)).toEqual([2, 1, 4, 3, 5])
    expect(result.candidates[1]!.logit).toBeCloseTo(-3, 12)
    expect(result.candidates[1]!.modelProb).toBe(candidates[0]!.modelProb)
    expect(result.changes.map((c) => [c.id, c.count, c.outOfReach])).toEqual([
      [1, 2, false],
      [3, 1, false],
    ])
    // Every penalised id is stored: the normaliser is known, measured from the new top (−1).
    const raw = 1 / Math.exp(-0.5)
    const expected =
      (raw - Math.exp(0) + Math.exp(-2.5) - Math.exp(-1.5) + Math.exp(-3)) * Math.exp(0.5)
    expect(result.fullWeight).toBeCloseTo(expected, 12)
    // A penalised id that was not stored leaves it unknown; one pushed below the floor drops out.
    const far = penaliseForLab(candidates, [9, 5, 5], settings)!
    expect(far.fullWeight).toBeNull()
    expect(far.candidates.map((c) => c.id)).toEqual([1, 2, 3, 4])
    expect(far.changes.find((c) => c.id === 5)?.outOfReach).toBe(true)
    expect(penaliseForLab(candidates, [1], { penaltyWindow: 8 })).toBeNull()
  })
})
