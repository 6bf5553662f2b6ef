import { describe, expect, it } from 'vitest'
import { labCandidateCount } from '../../src/main/engine/step-reader'
import { labCandidates, labStep } from '../../src/shared/lab'
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
})
