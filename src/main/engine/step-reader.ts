import type { LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, TokenCandidate } from '../../shared/contract'
import { penaltiesActive, windowCounts } from '../../shared/penalties'
import { chainOverSorted, keptProbability, pickIndex, seededUniform } from '../../shared/sampling'
import { penalise, penalisedInModelFrame } from './penalised-order'
import type { PenalisedProbabilities } from './repeat-penalty-pass'
import { readStep, weighAll } from './step-distribution'
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
  /** The distribution as node-llama-cpp's `controlledEvaluate` returns it. */
  probabilities?: Map<Token, number>
  /** The same as the addon returns it, [id, p, id, p, …] (step-sampler.ts): read without a Map. */
  pairs?: ArrayLike<number>
  /** With a repeat penalty: llama.cpp's penalised probabilities of the same step. */
  penalised?: PenalisedProbabilities
}

/** Reused from step to step, like the distribution's own arrays (step-distribution.ts). */
let tempered = new Float64Array(0)

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
  drawn?: number,
): GeneratedToken {
  const read = readStep(output)
  const { head, sorted, size } = read
  const { entropy, totalWeight } = head ?? read.whole ?? weighAll(sorted, size)
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
    (tempered = tempered.length >= size ? tempered : new Float64Array(size)),
  )
  if (!chain) throw new Error('the sampler chain needs logits that were not read')

  const picked =
    drawnIndex() ?? pickIndex(order.logits, chain, seededUniform(sampling.seed, step), tempered)
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
    ...(head?.entropyUpper !== undefined ? { entropyUpperBits: head.entropyUpper } : {}),
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
   * Where the native loop (native-steps.ts) drew `drawn`: that token was fed, so it is the one
   * reported, even where its draw and ours could differ (the last bit of an exponential).
   */
  function drawnIndex(): number | undefined {
    if (drawn === undefined) return undefined
    const index = order.ids.subarray(0, size).indexOf(drawn)
    if (index < 0) throw new Error(`the native loop drew token ${drawn}, which its step lacks`)
    return index
  }

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

export type { SortedLogits } from './step-distribution'
