import { describe, expect, it } from 'vitest'
import { fastestTrial, threadCandidates } from '../../src/main/engine/thread-choice'

describe('choosing a thread count', () => {
  it('times one thread, half the cores and every core', () => {
    expect(threadCandidates(1)).toEqual([1])
    expect(threadCandidates(2)).toEqual([1, 2])
    expect(threadCandidates(8)).toEqual([1, 4, 8])
    expect(threadCandidates(7)).toEqual([1, 4, 7])
  })

  it('takes the fastest, and fewer threads when two are within 5 %', () => {
    const trial = (threads: number, msPerToken: number | null) => ({ threads, msPerToken })
    expect(fastestTrial([trial(1, 9), trial(2, 4)])?.threads).toBe(2)
    expect(fastestTrial([trial(2, 4), trial(1, 1.2)])?.threads).toBe(1)
    expect(fastestTrial([trial(1, 4.1), trial(2, 4)])?.threads).toBe(1)
    expect(fastestTrial([trial(1, null), trial(4, 30)])?.threads).toBe(4)
    expect(fastestTrial([])).toBeNull()
  })
})
