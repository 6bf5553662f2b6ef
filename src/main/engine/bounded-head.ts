import type { SamplingSettings } from '../../shared/schemas'
import { headRequestFor } from './probability-head'

/**
 * On the prebuilt binary, reading a step's whole distribution means the addon sorts every
 * candidate and copies each (id, p) into JavaScript: on a 152k vocabulary a third of a step. When
 * a run's sampler chain only ever looks at a head (top-k on, or greedy, and no penalties), a step
 * asks llama.cpp twice instead (step-sampler.ts): the greedy sampler's confidence, which is the
 * top token's probability over the whole vocabulary, and a top-k sampler's head, whose
 * probabilities llama.cpp normalised over the head alone. Scaled by the first, the head's
 * probabilities are exact up to float32 rounding (the addon sums the normaliser in float32, where
 * the whole read renormalises in float64: they differ by about 1e-5 of a probability on the demo
 * model and on a 152k one); the entropy is not (the tail is unseen), so it is reported as a range.
 * Sampling probabilities do not move: top-k renormalises over what it keeps.
 */

/** Vocabularies up to this many tokens stay exact: their whole read costs little. */
export const defaultExactEntropyVocabulary = 16_384

/** The limit, overridable with TOKENSCOPE_EXACT_ENTROPY_VOCAB (tests force the bounded path). */
export function exactEntropyVocabulary(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TOKENSCOPE_EXACT_ENTROPY_VOCAB)
  return env.TOKENSCOPE_EXACT_ENTROPY_VOCAB && Number.isFinite(value) && value >= 0
    ? value
    : defaultExactEntropyVocabulary
}

/**
 * How many of the most likely tokens a run reads when its entropy may be bounded; null when it
 * reads the whole distribution (a small vocabulary, a chain that needs all of it, or the fast
 * binary, which computes the exact entropy natively).
 */
export function boundedHeadSize(
  sampling: SamplingSettings,
  topN: number,
  vocabulary: number,
  fastBinary: boolean,
  env: NodeJS.ProcessEnv = process.env,
): number | null {
  if (fastBinary || vocabulary <= exactEntropyVocabulary(env)) return null
  const request = headRequestFor(sampling, topN)
  // Only top-k or greedy cut the chain to a fixed head; top-p and min-p alone need the tail.
  if (!request || request.mass < 1 || request.minRatio > 0) return null
  return request.top < vocabulary ? request.top : null
}

export interface EntropyBounds {
  lowerBits: number
  upperBits: number
}

/**
 * Bounds on the entropy of a distribution over `vocabulary` tokens of which only the head
 * `probabilities` (exact, highest first) are known. The tail holds m = 1 − Σ head; each tail
 * token is at most the smallest head probability, so each contributes at least m·(−log₂ p_min)
 * in all; at most, m is spread evenly over the tail's tokens: m·log₂((V − H) / m).
 */
export function entropyBounds(
  probabilities: ArrayLike<number>,
  count: number,
  vocabulary: number,
): EntropyBounds {
  let head = 0
  let mass = 0
  let smallest = 1
  for (let i = 0; i < count; i++) {
    const p = probabilities[i] ?? 0
    if (p <= 0) continue
    head -= p * Math.log2(p)
    mass += p
    if (p < smallest) smallest = p
  }
  const tail = 1 - mass
  const tailTokens = vocabulary - count
  if (!(tail > 0) || tailTokens <= 0) return { lowerBits: head, upperBits: head }
  return {
    lowerBits: head + tail * -Math.log2(Math.min(smallest, tail)),
    upperBits: head + tail * Math.log2(tailTokens / tail),
  }
}
