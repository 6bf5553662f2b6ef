import type { LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, TokenCandidate } from '../../shared/contract'
import { penaltiesActive, windowCounts } from '../../shared/penalties'
import { chainOverSorted, keptProbability, pickIndex, seededUniform } from '../../shared/sampling'
import { penalise, penalisedInModelFrame } from './penalised-order'
import type { PenalisedProbabilities } from './repeat-penalty-pass'
import { hiddenBytes, tokenBytesFor, type TokenBytes } from './token-bytes'
import { limits, type SamplingSettings } from '../../shared/schemas'

/**
 * What to ask llama.cpp for at each step. The greedy sampler leaves the candidate list as the raw
 * distribution, so the probabilities node-llama-cpp returns are the model's own softmax over the
 * whole vocabulary. The sampler chain then runs here, on exactly those numbers (see step below).
 *
 * node-llama-cpp 3.21.1 (the newest release with binaries for every platform on our registry)
 * returns probabilities, not logits: ln p is the logit minus one constant, and every stage of the
 * chain is unchanged by a constant shift, so sampling is the same. A token whose probability is
 * below float32's smallest (about 1e-45) reads as probability 0.
 */
export const nextTokenRequest = {
  token: true,
  options: { temperature: 0 },
  probabilities: true,
} as const

/** Token texts by model: a token's text never changes, and asking llama.cpp costs a native call. */
const tokenTexts = new WeakMap<LlamaModel, Map<number, string>>()

export function tokenText(model: LlamaModel, id: number): string {
  let texts = tokenTexts.get(model)
  if (!texts) tokenTexts.set(model, (texts = new Map()))
  let text = texts.get(id)
  if (text === undefined) texts.set(id, (text = model.detokenize([id as Token], true)))
  return text
}

/** `{ bytes }` for a token whose text cannot show its bytes (part of a character), else `{}`. */
export function withHiddenBytes(text: string, id: number, bytesOf: TokenBytes) {
  const bytes = hiddenBytes(text, id, bytesOf)
  return bytes ? { bytes } : {}
}

export interface StepOutput {
  probabilities?: Map<Token, number>
  /** With a repeat penalty: llama.cpp's penalised probabilities of the same step. */
  penalised?: PenalisedProbabilities
}

/**
 * Turns one evaluation's model probabilities into the chosen token and everything we show about
 * it. Sampling happens here with our own seeded generator so that a seed reproduces a run and the
 * reported sampling probability is exactly the one the token was drawn with.
 */
export function sampleStep(
  model: LlamaModel,
  output: StepOutput,
  sampling: SamplingSettings,
  topN: number,
  position: number,
  step: number,
  context: readonly number[] = [],
): GeneratedToken {
  const { probabilities } = output
  if (!probabilities || probabilities.size === 0) {
    throw new Error('llama.cpp returned no probabilities for this step')
  }
  const head = readHead(probabilities)
  const sorted = head?.sorted ?? sortByProbability(probabilities)
  const size = head?.size ?? probabilities.size
  const { entropy, totalWeight } = head ?? weighAll(sorted, size)
  const maxLogit = sorted.logits[0] ?? 0
  const bytesOf = tokenBytesFor(model)
  // The chain runs on the penalised logits; what we report of the model stays the model's own.
  const counts = penaltiesActive(sampling) ? windowCounts(context, sampling) : null
  if (counts && head) throw new Error('penalties need the whole distribution, not its head')
  const given =
    counts && output.penalised
      ? penalisedInModelFrame(output.penalised, sorted, size, counts)
      : undefined
  if (counts && !given && (sampling.repeatPenalty ?? 1) !== 1)
    throw new Error('the repeat penalty needs llama.cpp’s penalised probabilities of this step')
  const penalised = counts ? penalise(sorted, size, counts, sampling, given) : null
  const order = penalised?.order ?? sorted
  const chain = chainOverSorted(
    order.logits,
    size,
    sampling,
    head?.fullWeight,
    penalised ? undefined : sorted.weights,
  )
  if (!chain) throw new Error('the sampler chain needs logits that were not read')

  const picked = pickIndex(order.logits, chain, seededUniform(sampling.seed, step))
  const chosen = penalised ? sorted.ids.indexOf(order.ids[picked] ?? -1) : picked
  const samplingProbAt = penalised
    ? penalised.keptProbability(chain)
    : (index: number) =>
        index < chain.kept ? keptProbability(chain, sorted.logits[index] ?? 0) : 0
  const describe = (index: number): TokenCandidate => {
    const id = sorted.ids[index] ?? 0
    const logit = sorted.logits[index] ?? 0
    const text = tokenText(model, id)
    const candidate: TokenCandidate = {
      id,
      text,
      ...withHiddenBytes(text, id, bytesOf),
      logit,
      modelProb: Math.exp(logit - maxLogit) / totalWeight,
      samplingProb: samplingProbAt(index),
    }
    // The Lab cannot redo a repeat penalty from ln p (it needs the logit's sign): it reads this.
    const moved = given && penalised?.moved.get(id)
    if (moved !== undefined && moved !== logit)
      candidate.penaltyShift = storableShift(moved - logit)
    return candidate
  }
  const shown = Math.min(topN, size)
  const alternatives = Array.from({ length: shown }, (_, i) => describe(i))
  const labSize = labCandidateCount(sampling, chain.kept, shown, size, counts?.size ?? 0)
  const token: GeneratedToken = {
    ...describe(chosen),
    position,
    rank: chosen + 1,
    entropyBits: entropy,
    alternatives,
    tailMass: Math.max(0, 1 - alternatives.reduce((sum, a) => sum + a.modelProb, 0)),
  }
  const more = Array.from({ length: Math.max(0, labSize - shown) }, (_, k) => describe(shown + k))
  if (penalised)
    more.push(...raisedIntoReach(penalised.moved, Math.max(labSize, shown)).map(describe))
  // A session stores at most `limits.labCandidates` of them.
  if (more.length > 0) token.moreCandidates = more.slice(0, limits.labCandidates)
  return token

  /**
   * Model indices of the penalised tokens below the stored ones that the penalties raised to or
   * above the lowest stored logit (a repeat penalty below 1, or a negative penalty): stored too,
   * so that every token not stored stays below every stored one after the penalties as well.
   */
  function raisedIntoReach(moved: ReadonlyMap<number, number>, stored: number): number[] {
    const floor = sorted.logits[stored - 1] ?? -Infinity
    const storedIds = new Set(sorted.ids.subarray(0, stored))
    const reaching = new Set<number>()
    for (const [id, logit] of moved) if (logit >= floor && !storedIds.has(id)) reaching.add(id)
    const raised: number[] = []
    // One pass over the unstored order, not a search of the vocabulary for each raised token.
    for (let index = stored; index < size && raised.length < reaching.size; index++)
      if (reaching.has(sorted.ids[index] ?? -1)) raised.push(index)
    return raised
  }
}

/** JSON has no infinity: a logit pushed to −∞ is stored as one no probability can tell from it. */
function storableShift(shift: number): number {
  return Number.isFinite(shift) ? shift : -1e300
}

/**
 * How many candidates the Sampling Lab needs to replay this step's chain: down to top-k's cut, or
 * with top-k off what the whole chain kept, never fewer than the alternatives and at most
 * `limits.labCandidates`. Penalties can push up to one candidate per penalised id below the cut,
 * so as many more are kept: the unpenalised ones among them still reach it.
 */
export function labCandidateCount(
  sampling: SamplingSettings,
  chainKept: number,
  alternatives: number,
  vocabulary: number,
  penalisedIds = 0,
): number {
  const reach = (sampling.topK > 0 ? sampling.topK : chainKept) + penalisedIds
  return Math.min(vocabulary, limits.labCandidates, Math.max(alternatives, reach))
}

/**
 * The exact entropy in bits of the model's distribution over the whole vocabulary, and
 * W = Σ exp(logit − max), which renormalises what float32 rounding left off 1. Fills
 * `sorted.weights` with exp(logit − max) on the way, for the sampler chain.
 */
function weighAll(sorted: SortedLogits, size: number) {
  const { logits, weights } = sorted
  const max = logits[0] ?? 0
  let totalWeight = 0
  for (let i = 0; i < size; i++) {
    const weight = Math.exp((logits[i] ?? 0) - max)
    weights[i] = weight
    totalWeight += weight
  }
  // log2 p = (logit − max)·log2 e − log2 W: one logarithm per step instead of one per token.
  const log2Weight = Math.log2(totalWeight)
  let bits = 0
  for (let i = 0; i < size; i++) {
    const weight = weights[i] ?? 0
    if (weight > 0)
      bits -= (weight / totalWeight) * (((logits[i] ?? 0) - max) * Math.LOG2E - log2Weight)
  }
  return { entropy: bits, totalWeight }
}

// Reused from step to step (a step reads them synchronously), so a 150k-token vocabulary
// costs no allocation per step.
let scratchIds = new Int32Array(0)
let scratchLogits = new Float64Array(0)
let scratchWeights = new Float64Array(0)

export interface SortedLogits {
  ids: Int32Array
  logits: Float64Array
  weights: Float64Array
}

/**
 * ln p of every token in typed arrays, highest first; equal values keep llama.cpp's order. The
 * addon already returns them sorted, so usually this is one copy and no sort.
 */
function sortByProbability(probabilities: Map<Token, number>): SortedLogits {
  const size = probabilities.size
  if (scratchIds.length < size) {
    scratchIds = new Int32Array(size)
    scratchLogits = new Float64Array(size)
    scratchWeights = new Float64Array(size)
  }
  const ids = scratchIds
  const values = scratchLogits
  let i = 0
  let inOrder = true
  let previous = Infinity
  // forEach, not for…of: no entry array per token.
  probabilities.forEach((probability, id) => {
    const logit = Math.log(probability)
    ids[i] = id
    values[i++] = logit
    if (logit > previous) inOrder = false
    previous = logit
  })
  if (!inOrder) {
    // Array.prototype.sort is stable, as the order of equal logits requires.
    const order = Array.from({ length: size }, (_, k) => k).sort(
      (a, b) => (values[b] ?? 0) - (values[a] ?? 0),
    )
    const copy = { ids: ids.slice(0, size), logits: values.slice(0, size) }
    order.forEach((from, to) => {
      ids[to] = copy.ids[from] ?? 0
      values[to] = copy.logits[from] ?? 0
    })
  }
  return { ids, logits: values, weights: scratchWeights }
}

/** The entries the fast binary appends after the head: no token has a negative id. */
const entropyKey = -1 as Token
const candidatesKey = -2 as Token

/**
 * The fast binary's head (probability-head.ts): the most likely tokens, highest first, with
 * their exact probabilities, then the entropy in nats and the candidate count of the whole
 * distribution. Null for a whole distribution (the prebuilt binary, or a run that needs it all).
 */
function readHead(probabilities: Map<Token, number>) {
  const entropyNats = probabilities.get(entropyKey)
  const candidates = probabilities.get(candidatesKey)
  if (entropyNats === undefined || candidates === undefined) return null
  const size = probabilities.size - 2
  if (scratchIds.length < size) {
    scratchIds = new Int32Array(size)
    scratchLogits = new Float64Array(size)
    scratchWeights = new Float64Array(size)
  }
  let i = 0
  probabilities.forEach((probability, id) => {
    if (i >= size) return
    scratchIds[i] = id
    scratchLogits[i++] = Math.log(probability)
  })
  const top = scratchLogits[0] ?? 0
  for (let k = 0; k < size; k++) scratchWeights[k] = Math.exp((scratchLogits[k] ?? 0) - top)
  // ln p is the logit minus the log normaliser, so Σ exp(logit − max) over everything is 1 / p₀.
  const totalWeight = Math.exp(-top)
  return {
    sorted: { ids: scratchIds, logits: scratchLogits, weights: scratchWeights },
    size,
    entropy: entropyNats * Math.LOG2E,
    totalWeight,
    /** The chain bounds itself inside the head unless the head is the whole vocabulary. */
    fullWeight: size >= candidates ? undefined : totalWeight,
  }
}
