import type { GeneratedToken, TokenCandidate } from './contract'
import { applySamplerChain, type ChainSettings, type ScoredToken } from './sampling'

/**
 * The Sampling Lab's arithmetic: what the sampler chain does to one step's distribution, worked
 * out from the stored top-N raw logits only, without asking the model again.
 */

export type { ChainSettings }

/** What the Lab needs of a candidate: a `TokenCandidate` has all of it. */
export interface LabCandidate extends ScoredToken {
  text: string
  /** Softmax of the raw logits over the whole vocabulary. */
  modelProb: number
  /** What the run's penalties did to its logit, where the engine stored it (repeat penalty). */
  penaltyShift?: number
}

/** The sampler stage that removed a candidate. */
export type CutBy = 'top-k' | 'top-p' | 'min-p'

export interface LabBar {
  id: number
  text: string
  logit: number
  /** 1 for the most likely token. */
  rank: number
  /** Before the chain: the model's own probability. */
  modelProb: number
  /**
   * The running sum that top-p compares with p, up to and including this token: model
   * probabilities, renormalised over what top-k kept when top-k applies.
   */
  cumulative: number
  /** After the chain; null when the chain's result cannot be known from the stored candidates. */
  afterProb: number | null
  /** The stage that removed this candidate; null when it survives (or nothing can be said). */
  cutBy: CutBy | null
}

export interface LabResult {
  bars: LabBar[]
  /** False when the chain would keep tokens beyond the stored candidates. */
  complete: boolean
  greedy: boolean
  /** Σ exp(logit − max logit) over the whole vocabulary, derived from the stored probabilities. */
  fullWeight: number
  /** How many candidates top-k keeps, when it cuts inside the stored ones; else null. */
  topKKept: number | null
  /** How many candidates survive top-p, when it cuts inside the stored ones; else null. */
  topPKept: number | null
  /** Min-p's threshold as a model probability (min-p × the top token's); null when off. */
  minPThreshold: number | null
  /** How many candidates the whole chain keeps; null when incomplete. */
  keptCount: number | null
  /** Model probability of the tokens the chain keeps; null when incomplete. */
  keptMass: number | null
  /** Model probability of every token beyond the stored candidates. */
  tailMass: number
}

/**
 * Σ exp(logit − max) over the vocabulary, from any stored candidate: its model probability is
 * exp(logit − max) / fullWeight. The top candidate gives it most precisely (exp(0) = 1).
 */
export function fullWeightOf(candidates: readonly LabCandidate[]): number {
  const top = candidates[0]
  if (!top || !(top.modelProb > 0)) return 1
  return 1 / top.modelProb
}

/** Sorted by logit, highest first, as the chain requires. */
function sortByLogit(candidates: readonly LabCandidate[]): LabCandidate[] {
  return [...candidates].sort((a, b) => b.logit - a.logit)
}

/**
 * Runs the chain on one step's stored candidates and explains it: before/after probabilities,
 * where each truncation cuts, how much probability survives, what the stored list cannot show.
 */
export function labStep(
  candidatesIn: readonly LabCandidate[],
  settings: ChainSettings,
  tailMass: number,
  /**
   * Σ exp(logit − top) over the vocabulary when the logits are not the model's own (penalised);
   * null when it is unknown. By default it follows from the top candidate's model probability.
   */
  weight?: number | null,
): LabResult {
  const candidates = sortByLogit(candidatesIn)
  const fullWeight = weight ?? fullWeightOf(candidates)
  const greedy = settings.temperature <= 0
  const topKInside = settings.topK > 0 && settings.topK <= candidates.length
  // An unknown normaliser leaves top-p unknown unless top-k cuts first.
  const chain =
    weight === null && settings.topP < 1 && !topKInside && !greedy
      ? ({ complete: false } as const)
      : applySamplerChain(candidates, settings, fullWeight)
  const after = chain.complete ? new Map(chain.kept.map((c) => [c.id, c.prob])) : null
  const top = candidates[0]
  const n = candidates.length

  // Stage by stage, as the chain runs (truncation is ignored when greedy: it keeps the top only).
  const topKKept = settings.topK > 0 && settings.topK < n ? settings.topK : null
  const afterTopK = topKKept ?? n
  const topKWeight = candidates
    .slice(0, afterTopK)
    .reduce((sum, c) => sum + Math.exp(c.logit - (top?.logit ?? 0)), 0)
  const stageWeight = settings.topK > 0 && settings.topK <= n ? topKWeight : fullWeight
  let running = 0
  const cumulative = candidates.map((c) => {
    running += Math.exp(c.logit - (top?.logit ?? 0)) / stageWeight
    return running
  })
  let topPKept: number | null = null
  if (settings.topP < 1) {
    const reach = cumulative.slice(0, afterTopK).findIndex((sum) => sum >= settings.topP)
    if (reach >= 0 && reach + 1 < afterTopK) topPKept = reach + 1
  }
  const afterTopP = topPKept ?? afterTopK
  // min-p compares with the top token's probability as the chain sees it (1 / fullWeight).
  const minPThreshold = settings.minP > 0 && top ? settings.minP / fullWeight : null
  let minPKept: number | null = null
  if (settings.minP > 0 && top) {
    const floor = top.logit + Math.log(settings.minP)
    const below = candidates.slice(0, afterTopP).findIndex((c, i) => i > 0 && c.logit < floor)
    if (below > 0) minPKept = below
  }

  const cutOf = (i: number): CutBy | null => {
    if (greedy) return null
    if (i >= afterTopK) return 'top-k'
    if (i >= afterTopP) return 'top-p'
    if (minPKept !== null && i >= minPKept) return 'min-p'
    return null
  }

  const bars: LabBar[] = candidates.map((c, i) => ({
    id: c.id,
    text: c.text,
    logit: c.logit,
    rank: i + 1,
    modelProb: c.modelProb,
    cumulative: cumulative[i] ?? 0,
    afterProb: after ? (after.get(c.id) ?? 0) : null,
    cutBy: after ? cutOf(i) : null,
  }))
  const kept = chain.complete ? chain.kept : null
  return {
    bars,
    complete: chain.complete,
    greedy,
    fullWeight,
    topKKept,
    topPKept,
    minPThreshold,
    keptCount: kept ? kept.length : null,
    keptMass: kept
      ? candidates.slice(0, kept.length).reduce((sum, c) => sum + c.modelProb, 0)
      : null,
    tailMass: Math.max(0, tailMass),
  }
}

/**
 * Every candidate a token keeps for the Lab (its alternatives, then `moreCandidates`) and the
 * model probability of all the others.
 */
export function labCandidates(token: GeneratedToken): {
  candidates: TokenCandidate[]
  tailMass: number
} {
  const more = token.moreCandidates ?? []
  if (more.length === 0) return { candidates: token.alternatives, tailMass: token.tailMass }
  const moreMass = more.reduce((sum, c) => sum + c.modelProb, 0)
  return {
    candidates: [...token.alternatives, ...more],
    tailMass: Math.max(0, token.tailMass - moreMass),
  }
}

/** Why the Lab cannot show the result, in one sentence, for an incomplete chain. */
export function incompleteReason(settings: ChainSettings, stored: number): string {
  const parts: string[] = []
  if (settings.topK === 0 || settings.topK > stored) {
    parts.push(
      settings.topK === 0
        ? 'top-k is off'
        : `top-k ${settings.topK} reaches past the ${stored} stored tokens`,
    )
  }
  if (settings.topP < 1) parts.push(`top-p ${settings.topP} is not reached within them`)
  if (settings.minP > 0) parts.push('min-p keeps all of them')
  return `The chain would keep tokens beyond the ${stored} stored candidates (${parts.join(', ')}), so their share after sampling cannot be known here.`
}
