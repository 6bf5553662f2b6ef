import { describe, expect, it } from 'vitest'
import {
  bucketSize,
  countNgrams,
  distinctN,
  minLogProbability,
  ngramRepetition,
  probabilityBuckets,
  textStats,
  type StatToken,
} from '../../src/shared/run-stats'

const t = (id: number, modelProb: number, entropyBits = 1): StatToken => ({
  id,
  modelProb,
  entropyBits,
})

describe('textStats', () => {
  it('has nothing to average over no tokens', () => {
    expect(textStats([])).toEqual({
      tokens: 0,
      meanLogProb: null,
      perplexity: null,
      meanEntropyBits: null,
      boundedEntropyTokens: 0,
      repetition3: null,
      distinct2: null,
    })
  })

  it('counts the tokens whose entropy is only bounded, whose lower bound the mean takes', () => {
    const stats = textStats([
      { ...t(7, 0.25, 3), entropyUpperBits: 5 },
      t(8, 0.5, 1),
      { ...t(9, 0.5, 2), entropyUpperBits: 4 },
    ])
    expect(stats.boundedEntropyTokens).toBe(2)
    expect(stats.meanEntropyBits).toBeCloseTo(2, 12)
  })

  it('takes one token as it is, with no n-grams to count', () => {
    const stats = textStats([t(7, 0.25, 3)])
    expect(stats.tokens).toBe(1)
    expect(stats.meanLogProb).toBeCloseTo(Math.log(0.25), 12)
    expect(stats.perplexity).toBeCloseTo(4, 12)
    expect(stats.meanEntropyBits).toBe(3)
    expect(stats.repetition3).toBeNull()
    expect(stats.distinct2).toBeNull()
  })

  it('computes perplexity as exp(mean −ln p) and the mean log-probability', () => {
    const probs = [0.5, 0.25, 0.125, 1]
    const stats = textStats(probs.map((p, i) => t(i, p, i)))
    const meanLog = (Math.log(0.5) + Math.log(0.25) + Math.log(0.125) + 0) / 4
    expect(stats.meanLogProb).toBeCloseTo(meanLog, 12)
    expect(stats.perplexity).toBeCloseTo(Math.exp(-meanLog), 12)
    // The geometric mean of 1/p: (2 · 4 · 8 · 1)^(1/4) = 64^(1/4).
    expect(stats.perplexity).toBeCloseTo(64 ** 0.25, 12)
    expect(stats.meanEntropyBits).toBeCloseTo((0 + 1 + 2 + 3) / 4, 12)
  })

  it('gives perplexity 1 when the model was sure of every token', () => {
    const stats = textStats([t(1, 1), t(2, 1), t(3, 1)])
    expect(stats.meanLogProb).toBe(0)
    expect(stats.perplexity).toBe(1)
  })

  it('keeps the perplexity finite when a probability underflowed to 0', () => {
    const stats = textStats([t(1, 0), t(2, 1)])
    expect(stats.meanLogProb).toBeCloseTo(Math.log(minLogProbability) / 2, 9)
    expect(Number.isFinite(stats.perplexity)).toBe(true)
  })

  it('counts repeated 3-grams and distinct bigrams of token ids', () => {
    // 1 2 3 1 2 3 1 2: 3-grams 123 231 312 123 231 312 → 3 distinct of 6, half repeat.
    // Bigrams 12 23 31 12 23 31 12 → 3 distinct of 7.
    const ids = [1, 2, 3, 1, 2, 3, 1, 2]
    const stats = textStats(ids.map((id) => t(id, 0.5)))
    expect(stats.repetition3).toBeCloseTo(0.5, 12)
    expect(stats.distinct2).toBeCloseTo(3 / 7, 12)
  })

  it('sees no repetition in a text without repeats', () => {
    const stats = textStats([1, 2, 3, 4, 5].map((id) => t(id, 0.9)))
    expect(stats.repetition3).toBe(0)
    expect(stats.distinct2).toBe(1)
  })

  it('counts exactly two tokens as one bigram and no 3-gram', () => {
    const stats = textStats([t(4, 0.5), t(4, 0.5)])
    expect(stats.distinct2).toBe(1)
    expect(stats.repetition3).toBeNull()
  })

  it('does not confuse ids that share digits', () => {
    // As strings, "1,23" and "12,3" differ; a naive concatenation would make them one bigram.
    expect(countNgrams([1, 23, 12, 3], 2)).toEqual({ total: 3, distinct: 3 })
    expect(distinctN([1, 23, 1, 23], 2)).toBeCloseTo(2 / 3, 12)
    expect(ngramRepetition([5, 5, 5, 5], 3)).toBeCloseTo(0.5, 12)
  })
})

describe('probability chart buckets', () => {
  it('gives one bucket per token when the size is 1', () => {
    const buckets = probabilityBuckets([0.2, 0.8], 1)
    expect(buckets).toEqual([
      { start: 0, end: 1, mean: 0.2, min: 0.2 },
      { start: 1, end: 2, mean: 0.8, min: 0.8 },
    ])
  })

  it('averages consecutive tokens and keeps the lowest; the last bucket may be short', () => {
    const buckets = probabilityBuckets([1, 0.5, 0.1, 0.3, 0.9], 2)
    expect(buckets.map((b) => [b.start, b.end])).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ])
    expect(buckets[0]?.mean).toBeCloseTo(0.75, 12)
    expect(buckets[1]?.min).toBeCloseTo(0.1, 12)
    expect(buckets[2]?.mean).toBeCloseTo(0.9, 12)
    expect(probabilityBuckets([], 3)).toEqual([])
  })

  it('picks a size that fits the longest text in the bars', () => {
    expect(bucketSize(0, 120)).toBe(1)
    expect(bucketSize(120, 120)).toBe(1)
    expect(bucketSize(121, 120)).toBe(2)
    expect(bucketSize(1000, 120)).toBe(9)
  })
})
