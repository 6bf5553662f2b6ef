import type { LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, TokenCandidate } from '../../shared/contract'
import { chainOverSorted, keptProbability, pickIndex, seededUniform } from '../../shared/sampling'
import type { SamplingSettings } from '../../shared/schemas'

/**
 * What to ask llama.cpp for at each step. The greedy sampler leaves the candidate list as the raw
 * distribution, so the logits are the model's own and `totalLogitWeight` covers the whole
 * vocabulary. The sampler chain then runs here, on exactly those numbers (see step below).
 * Top-k bounds what the chain can keep, so the top max(k, N) logits suffice; with top-k off the
 * chain may keep any token, so we need every logit.
 */
export function nextTokenRequest(sampling: SamplingSettings, topN: number) {
  const wholeVocabulary = sampling.temperature > 0 && sampling.topK === 0
  const includeTop = Math.max(topN, sampling.temperature > 0 ? sampling.topK : 1)
  return {
    wholeVocabulary,
    generateNext: {
      token: true,
      options: { temperature: 0 },
      totalLogitWeight: true,
      logits: wholeVocabulary ? (true as const) : { filter: { tokens: [], includeTop } },
    },
  }
}

/** Token texts by model: a token's text never changes, and asking llama.cpp costs a native call. */
const tokenTexts = new WeakMap<LlamaModel, Map<number, string>>()

export function tokenText(model: LlamaModel, id: number): string {
  let texts = tokenTexts.get(model)
  if (!texts) tokenTexts.set(model, (texts = new Map()))
  let text = texts.get(id)
  if (text === undefined) texts.set(id, (text = model.detokenize([id as Token], true)))
  return text
}

export interface StepOutput {
  logits?: Map<Token, number>
  totalLogitWeight?: number
}

/**
 * Turns one evaluation's raw logits into the chosen token and everything we show about it.
 * Sampling happens here with our own seeded generator so that a seed reproduces a run and the
 * reported sampling probability is exactly the one the token was drawn with.
 */
export function sampleStep(
  model: LlamaModel,
  output: StepOutput,
  sampling: SamplingSettings,
  topN: number,
  position: number,
  step: number,
  wholeVocabulary: boolean,
): GeneratedToken {
  const { logits, totalLogitWeight } = output
  if (!logits || totalLogitWeight === undefined || logits.size === 0) {
    throw new Error('llama.cpp returned no logits for this step')
  }
  const sorted = sortByLogit(logits)
  const size = logits.size
  const maxLogit = sorted.logits[0] ?? 0
  const entropy = entropyOfHead(sorted, size, totalLogitWeight)
  const chain = chainOverSorted(
    sorted.logits,
    size,
    sampling,
    wholeVocabulary ? undefined : totalLogitWeight,
    sorted.weights,
  )
  if (!chain) throw new Error('the sampler chain needs logits that were not requested')

  const chosen = pickIndex(sorted.logits, chain, seededUniform(sampling.seed, step))
  const describe = (index: number): TokenCandidate => {
    const id = sorted.ids[index] ?? 0
    const logit = sorted.logits[index] ?? 0
    return {
      id,
      text: tokenText(model, id),
      logit,
      modelProb: Math.exp(logit - maxLogit) / totalLogitWeight,
      samplingProb: index < chain.kept ? keptProbability(chain, logit) : 0,
    }
  }
  const alternatives = Array.from({ length: Math.min(topN, size) }, (_, i) => describe(i))
  return {
    ...describe(chosen),
    position,
    rank: chosen + 1,
    entropyBits: entropy,
    alternatives,
    tailMass: Math.max(0, 1 - alternatives.reduce((sum, a) => sum + a.modelProb, 0)),
  }
}

/**
 * Entropy in bits of the model's distribution, from the logits given (all of them with top-k
 * off). The unseen tail counts as one outcome, so with only the head this is a lower bound.
 * Fills `sorted.weights` with exp(logit − max) on the way, for the sampler chain.
 */
function entropyOfHead(sorted: SortedLogits, size: number, totalWeight: number) {
  const { logits, weights } = sorted
  const max = logits[0] ?? 0
  // log2 p = (logit − max)·log2 e − log2 W: one logarithm per step instead of one per token,
  // which was a third of the step's cost with a whole vocabulary.
  const log2Weight = Math.log2(totalWeight)
  let mass = 0
  let bits = 0
  for (let i = 0; i < size; i++) {
    const shifted = (logits[i] ?? 0) - max
    const weight = Math.exp(shifted)
    weights[i] = weight
    const p = weight / totalWeight
    mass += p
    if (p > 0) bits -= p * (shifted * Math.LOG2E - log2Weight)
  }
  const tail = Math.max(0, 1 - mass)
  return tail > 0 ? bits - tail * Math.log2(tail) : bits
}

// Reused from step to step (a step reads them synchronously), so a 150k-token vocabulary
// costs no allocation per step.
let scratchIds = new Int32Array(0)
let scratchLogits = new Float64Array(0)
let scratchWeights = new Float64Array(0)

interface SortedLogits {
  ids: Int32Array
  logits: Float64Array
  weights: Float64Array
}

/**
 * The logits in typed arrays, highest first; equal logits keep llama.cpp's order. The addon
 * already returns them sorted, so usually this is one copy and no sort.
 */
function sortByLogit(logits: Map<Token, number>): SortedLogits {
  const size = logits.size
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
  logits.forEach((logit, id) => {
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
