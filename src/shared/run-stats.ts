/**
 * Statistics of one run's generated tokens, for comparing sampling settings side by side.
 * Pure functions over plain token lists: no engine, no UI.
 */

/** What the statistics need of a generated token (a `GeneratedToken` has all of it). */
export interface StatToken {
  id: number
  /** Softmax of the raw logits over the whole vocabulary. */
  modelProb: number
  /** Entropy of the model distribution at this step, in bits (a lower bound with the next). */
  entropyBits: number
  /** Present when the entropy was bounded, not measured (`GeneratedToken.entropyUpperBits`). */
  entropyUpperBits?: number
}

export interface TextStats {
  /** How many tokens were generated. */
  tokens: number
  /** Mean natural log of the model probability of each generated token; null with no tokens. */
  meanLogProb: number | null
  /** exp(mean −ln p_model): 1 when the model was sure of every token; null with no tokens. */
  perplexity: number | null
  /**
   * Mean entropy of the model's distribution at each step, in bits; null with no tokens. A lower
   * bound when `boundedEntropyTokens` > 0 (bounds and exact values averaged together).
   */
  meanEntropyBits: number | null
  /** How many of the tokens have a bounded entropy (their lower bound is in the mean). */
  boundedEntropyTokens: number
  /**
   * Share of the 3-grams of token ids that repeat an earlier 3-gram of the same text:
   * 1 − distinct / total. 0 is no repetition; null with fewer than three tokens.
   */
  repetition3: number | null
  /** Distinct bigrams of token ids / bigrams; null with fewer than two tokens. */
  distinct2: number | null
}

/**
 * The smallest probability the log takes: a token whose probability underflowed to 0 in float32
 * still has a finite surprise, so one such token cannot make the perplexity infinite.
 */
export const minLogProbability = 1e-30

export function safeLog(p: number): number {
  return Math.log(Number.isFinite(p) && p > minLogProbability ? Math.min(p, 1) : minLogProbability)
}

/** Keys an n-gram of token ids; ids are non-negative integers, so the join is unambiguous. */
function gramKey(ids: readonly number[], start: number, n: number): string {
  let key = String(ids[start])
  for (let i = 1; i < n; i++) key += `,${ids[start + i]}`
  return key
}

/** Distinct n-grams and total n-grams of a sequence of ids. */
export function countNgrams(
  ids: readonly number[],
  n: number,
): { total: number; distinct: number } {
  const total = Math.max(0, ids.length - n + 1)
  const seen = new Set<string>()
  for (let i = 0; i < total; i++) seen.add(gramKey(ids, i, n))
  return { total, distinct: seen.size }
}

/** Share of n-grams that repeat an earlier one; null when there is no n-gram. */
export function ngramRepetition(ids: readonly number[], n: number): number | null {
  const { total, distinct } = countNgrams(ids, n)
  return total === 0 ? null : 1 - distinct / total
}

/** Distinct n-grams / n-grams (distinct-n); null when there is no n-gram. */
export function distinctN(ids: readonly number[], n: number): number | null {
  const { total, distinct } = countNgrams(ids, n)
  return total === 0 ? null : distinct / total
}

export function textStats(tokens: readonly StatToken[]): TextStats {
  const count = tokens.length
  if (count === 0) {
    return {
      tokens: 0,
      meanLogProb: null,
      perplexity: null,
      meanEntropyBits: null,
      boundedEntropyTokens: 0,
      repetition3: null,
      distinct2: null,
    }
  }
  let logSum = 0
  let entropySum = 0
  let bounded = 0
  const ids: number[] = new Array<number>(count)
  tokens.forEach((token, i) => {
    logSum += safeLog(token.modelProb)
    entropySum += Number.isFinite(token.entropyBits) ? token.entropyBits : 0
    if (token.entropyUpperBits !== undefined) bounded++
    ids[i] = token.id
  })
  const meanLogProb = logSum / count
  return {
    tokens: count,
    meanLogProb,
    perplexity: Math.exp(-meanLogProb),
    meanEntropyBits: entropySum / count,
    boundedEntropyTokens: bounded,
    repetition3: ngramRepetition(ids, 3),
    distinct2: distinctN(ids, 2),
  }
}

/**
 * The per-token model probabilities averaged over runs of `size` consecutive tokens (the last one
 * may be shorter), for a chart that must stay small however long the text is. Columns that use
 * the same size share one horizontal scale.
 */
export interface ProbabilityBucket {
  /** First token index in the bucket. */
  start: number
  /** One past the last token index. */
  end: number
  /** Mean model probability of the tokens in the bucket. */
  mean: number
  /** Lowest model probability in the bucket, so that a surprising token stays visible. */
  min: number
}

export function probabilityBuckets(probs: readonly number[], size: number): ProbabilityBucket[] {
  const step = Math.max(1, Math.floor(size))
  const result: ProbabilityBucket[] = []
  for (let start = 0; start < probs.length; start += step) {
    const end = Math.min(probs.length, start + step)
    let sum = 0
    let min = Infinity
    for (let i = start; i < end; i++) {
      const p = probs[i] ?? 0
      sum += p
      min = Math.min(min, p)
    }
    result.push({ start, end, mean: sum / (end - start), min })
  }
  return result
}

/** Tokens per bucket so that the longest of the texts fits in `maxBuckets` buckets. */
export function bucketSize(longest: number, maxBuckets: number): number {
  return Math.max(1, Math.ceil(longest / Math.max(1, Math.floor(maxBuckets))))
}
