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
  settings: ChainSettings,
  fullWeight?: number,
): ChainResult {
  const logits = new Float64Array(candidates.length)
  candidates.forEach((candidate, i) => (logits[i] = candidate.logit))
  const chain = chainOverSorted(logits, logits.length, settings, fullWeight)
  if (!chain) return { complete: false }
  return {
    complete: true,
    kept: candidates
      .slice(0, chain.kept)
      .map((candidate) => ({ ...candidate, prob: keptProbability(chain, candidate.logit) })),
  }
}

export type ChainSettings = Pick<SamplingSettings, 'temperature' | 'topK' | 'topP' | 'minP'>

/** What the chain keeps of logits sorted highest first: the first `kept` of them. */
export interface SortedChain {
  kept: number
  top: number
  temperature: number
  /** Σ exp((logit − top) / temperature) over the kept logits. */
  total: number
}

/**
 * {@link applySamplerChain} on the first `size` of `logits` (sorted, highest first) without an
 * object per token: a whole vocabulary is 150k of them. Null when the chain would keep logits
 * beyond those given. `weights`, if given, holds exp(logit − top) for each logit, so that a
 * caller who needed them too does not pay for the exponentials twice. `tempered`, if given, is
 * filled with exp((logit − top) / temperature) of each kept logit, for {@link pickIndex}.
 */
export function chainOverSorted(
  logits: Float64Array,
  size: number,
  settings: ChainSettings,
  fullWeight?: number,
  weights?: Float64Array,
  tempered?: Float64Array,
): SortedChain | null {
  const top = logits[0] ?? 0
  const { temperature } = settings
  if (size === 0) return { kept: 0, top, temperature, total: 1 }
  if (temperature <= 0) return { kept: 1, top, temperature, total: 1 }

  const topKApplies = settings.topK > 0 && settings.topK <= size
  // Whether everything the chain keeps is known to lie inside the logits given.
  let bounded = fullWeight === undefined || topKApplies
  let kept = topKApplies ? settings.topK : size

  if (settings.topP < 1) {
    // top-p normalises over what top-k left: the whole vocabulary when top-k is off.
    const weightOf = weights
      ? (i: number) => weights[i] ?? 0
      : (i: number) => Math.exp((logits[i] ?? 0) - top)
    let weight = fullWeight ?? 0
    if (topKApplies || fullWeight === undefined) {
      weight = 0
      for (let i = 0; i < kept; i++) weight += weightOf(i)
    }
    let cumulative = 0
    for (let i = 0; i < kept; i++) {
      cumulative += weightOf(i) / weight
      if (cumulative >= settings.topP) {
        kept = i + 1
        bounded = true
        break
      }
    }
  }

  if (settings.minP > 0) {
    const threshold = top + Math.log(settings.minP)
    for (let i = 1; i < kept; i++) {
      if ((logits[i] ?? 0) < threshold) {
        kept = i
        bounded = true
        break
      }
    }
  }
  if (!bounded) return null

  let total = 0
  if (tempered && tempered.length >= kept) {
    for (let i = 0; i < kept; i++) {
      const weight = Math.exp(((logits[i] ?? 0) - top) / temperature)
      tempered[i] = weight
      total += weight
    }
  } else {
    for (let i = 0; i < kept; i++) total += Math.exp(((logits[i] ?? 0) - top) / temperature)
  }
  return { kept, top, temperature, total }
}

/** The probability after the chain of a kept logit. */
export function keptProbability(chain: SortedChain, logit: number): number {
  if (chain.temperature <= 0) return 1
  return Math.exp((logit - chain.top) / chain.temperature) / chain.total
}

/**
 * The index {@link pickCandidate} would pick among the chain's kept logits, without building
 * the kept list. `tempered`: what {@link chainOverSorted} filled for this chain, which spares an
 * exponential per logit (the same numbers: exp((logit − top) / temperature) / total either way).
 */
export function pickIndex(
  logits: Float64Array,
  chain: SortedChain,
  uniform: number,
  tempered?: Float64Array,
): number {
  if (chain.kept === 0) throw new Error('cannot sample from an empty distribution')
  let cumulative = 0
  if (tempered && chain.temperature > 0 && tempered.length >= chain.kept) {
    for (let i = 0; i < chain.kept; i++) {
      cumulative += (tempered[i] ?? 0) / chain.total
      if (uniform < cumulative) return i
    }
    return chain.kept - 1
  }
  for (let i = 0; i < chain.kept; i++) {
    cumulative += keptProbability(chain, logits[i] ?? 0)
    if (uniform < cumulative) return i
  }
  return chain.kept - 1
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
