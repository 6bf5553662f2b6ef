import type { SamplingSettings } from './schemas'

/** A token and its raw logit, as the model produced it. */
export interface ScoredToken {
  id: number
  logit: number
}

export interface SampledCandidate extends ScoredToken {
  /** Probability after the whole sampler chain. */
  prob: number
}

export type ChainResult =
  | { complete: true; kept: SampledCandidate[] }
  /** The chain would keep tokens beyond the candidates given; the caller needs more of them. */
  | { complete: false }

/**
 * The sampler chain exactly as llama.cpp runs it for node-llama-cpp:
 * top-k → top-p → min-p → temperature → softmax. Truncation acts on the raw logits; temperature
 * only reshapes what survived. Temperature 0 is greedy: the top token with probability 1.
 *
 * `candidates` must be sorted by logit, highest first, and be the head of the full vocabulary.
 * `fullWeight` is Σ exp(logit − maxLogit) over the whole vocabulary; pass it when `candidates`
 * may be only part of the vocabulary.
 */
export function applySamplerChain(
  candidates: readonly ScoredToken[],
  settings: Pick<SamplingSettings, 'temperature' | 'topK' | 'topP' | 'minP'>,
  fullWeight?: number,
): ChainResult {
  const top = candidates[0]
  if (!top) return { complete: true, kept: [] }
  if (settings.temperature <= 0) return { complete: true, kept: [{ ...top, prob: 1 }] }

  const wholeVocabulary = fullWeight === undefined
  const topKApplies = settings.topK > 0 && settings.topK <= candidates.length
  // Whether everything the chain keeps is known to lie inside `candidates`.
  let bounded = wholeVocabulary || topKApplies
  let kept = topKApplies ? candidates.slice(0, settings.topK) : candidates

  if (settings.topP < 1) {
    // top-p normalises over what top-k left: the whole vocabulary when top-k is off.
    const weight =
      topKApplies || fullWeight === undefined ? sumWeights(kept, top.logit) : fullWeight
    let cumulative = 0
    for (let i = 0; i < kept.length; i++) {
      cumulative += Math.exp((kept[i]?.logit ?? 0) - top.logit) / weight
      if (cumulative >= settings.topP) {
        kept = kept.slice(0, i + 1)
        bounded = true
        break
      }
    }
  }

  if (settings.minP > 0) {
    const threshold = top.logit + Math.log(settings.minP)
    const firstBelow = kept.findIndex((token, i) => i > 0 && token.logit < threshold)
    if (firstBelow > 0) {
      kept = kept.slice(0, firstBelow)
      bounded = true
    }
  }
  if (!bounded) return { complete: false }

  const scaled = kept.map((token) => (token.logit - top.logit) / settings.temperature)
  const total = scaled.reduce((sum, value) => sum + Math.exp(value), 0)
  return {
    complete: true,
    kept: kept.map((token, i) => ({ ...token, prob: Math.exp(scaled[i] ?? -Infinity) / total })),
  }
}

function sumWeights(tokens: readonly ScoredToken[], maxLogit: number): number {
  return tokens.reduce((sum, token) => sum + Math.exp(token.logit - maxLogit), 0)
}

/** Softmax probabilities of the raw logits, given the vocabulary-wide normaliser. */
export function modelProbability(logit: number, maxLogit: number, fullWeight: number): number {
  return Math.exp(logit - maxLogit) / fullWeight
}

/**
 * Entropy in bits of a distribution known by its head; the unseen tail is counted as one
 * outcome, so with a partial head this is a lower bound.
 */
export function entropyBits(headProbs: readonly number[]): number {
  const tail = Math.max(0, 1 - headProbs.reduce((a, b) => a + b, 0))
  return [...headProbs, tail].reduce((h, p) => (p > 0 ? h - p * Math.log2(p) : h), 0)
}

/** A small, fast, seedable generator (mulberry32): the same seed gives the same stream. */
export function seededUniform(seed: number, step: number): number {
  let t = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca77)) >>> 0
  t = (t + 0x6d2b79f5) >>> 0
  let r = Math.imul(t ^ (t >>> 15), 1 | t)
  r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r
  return ((r ^ (r >>> 14)) >>> 0) / 4294967296
}

/** Picks from `kept` by inverse transform with a uniform number in [0, 1). */
export function pickCandidate(
  kept: readonly SampledCandidate[],
  uniform: number,
): SampledCandidate {
  let cumulative = 0
  for (const candidate of kept) {
    cumulative += candidate.prob
    if (uniform < cumulative) return candidate
  }
  const last = kept[kept.length - 1]
  if (!last) throw new Error('cannot sample from an empty distribution')
  return last
}
