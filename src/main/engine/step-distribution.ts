import type { Token } from 'node-llama-cpp'
import type { StepOutput } from './step-reader'

/**
 * One step's distribution as the step reader needs it: token ids and ln p in typed arrays,
 * highest first, with the weights exp(ln p − max), the normaliser and the exact entropy. Read
 * from node-llama-cpp's Map, or from the addon's flat array as the engine reads it now
 * (step-sampler.ts); either the whole vocabulary or the fast binary's head.
 */

/**
 * The exact entropy in bits of the model's distribution over the whole vocabulary, and
 * W = Σ exp(logit − max), which renormalises what float32 rounding left off 1. Fills
 * `sorted.weights` with exp(logit − max) on the way, for the sampler chain.
 */
export function weighAll(sorted: SortedLogits, size: number) {
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
  ensureScratch(size)
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
  const sorted = { ids, logits: values, weights: scratchWeights }
  if (!inOrder) sortInPlace(sorted, size)
  return sorted
}

/** Sorts the first `size` highest first; Array.prototype.sort is stable, as equal logits need. */
function sortInPlace(sorted: SortedLogits, size: number) {
  const { ids, logits } = sorted
  const order = Array.from({ length: size }, (_, k) => k).sort(
    (a, b) => (logits[b] ?? 0) - (logits[a] ?? 0),
  )
  const copy = { ids: ids.slice(0, size), logits: logits.slice(0, size) }
  order.forEach((from, to) => {
    ids[to] = copy.ids[from] ?? 0
    logits[to] = copy.logits[from] ?? 0
  })
}

interface StepRead {
  sorted: SortedLogits
  size: number
  /** The fast binary's head, or null for the whole distribution. */
  head: ReturnType<typeof headOf> | null
  /** Entropy and normaliser where the read already computed them. */
  whole: { entropy: number; totalWeight: number } | null
}

export function readStep(output: StepOutput): StepRead {
  if (output.pairs) return readPairs(output.pairs)
  const { probabilities } = output
  if (!probabilities || probabilities.size === 0) {
    throw new Error('llama.cpp returned no probabilities for this step')
  }
  const head = readHead(probabilities)
  if (head) return { sorted: head.sorted, size: head.size, head, whole: null }
  return {
    sorted: sortByProbability(probabilities),
    size: probabilities.size,
    head: null,
    whole: null,
  }
}

function ensureScratch(size: number) {
  if (scratchIds.length >= size) return
  scratchIds = new Int32Array(size)
  scratchLogits = new Float64Array(size)
  scratchWeights = new Float64Array(size)
}

/**
 * The addon's flat [id, p, id, p, …] read straight into the typed arrays: a head with its two
 * trailing entries (readHead), else the whole distribution, which the prebuilt binary hands over
 * sorted. Then one pass fills ln p, the weights p / p₀ (= exp(ln p − max)), W and the entropy,
 * H = log W − Σ w·ln w / W, instead of a Map, a copy and two more passes (weighAll).
 */
function readPairs(pairs: ArrayLike<number>): StepRead {
  const count = pairs.length >> 1
  if (count === 0) throw new Error('llama.cpp returned no probabilities for this step')
  if (count > 2 && pairs[2 * count - 4] === entropyKey && pairs[2 * count - 2] === candidatesKey) {
    // A bounded step (step-sampler.ts) has the entropy's upper bound before the lower one.
    const bounded = pairs[2 * count - 6] === entropyUpperKey
    const size = count - (bounded ? 3 : 2)
    ensureScratch(size)
    for (let i = 0; i < size; i++) {
      scratchIds[i] = pairs[2 * i] ?? 0
      scratchLogits[i] = Math.log(pairs[2 * i + 1] ?? 0)
    }
    const head = headOf(size, pairs[2 * count - 3] ?? 0, pairs[2 * count - 1] ?? 0)
    if (bounded) head.entropyUpper = (pairs[2 * count - 5] ?? 0) * Math.LOG2E
    return { sorted: head.sorted, size, head, whole: null }
  }
  ensureScratch(count)
  const ids = scratchIds
  const logits = scratchLogits
  const weights = scratchWeights
  const top = pairs[1] ?? 0
  const max = Math.log(top)
  let totalWeight = 0
  let weightedShift = 0
  let previous = Infinity
  let inOrder = true
  for (let i = 0; i < count; i++) {
    const probability = pairs[2 * i + 1] ?? 0
    const logit = Math.log(probability)
    ids[i] = pairs[2 * i] ?? 0
    logits[i] = logit
    if (probability > previous) inOrder = false
    previous = probability
    const weight = probability / top
    weights[i] = weight
    if (weight > 0) {
      totalWeight += weight
      weightedShift += weight * (logit - max)
    }
  }
  const sorted = { ids, logits, weights }
  if (!inOrder) {
    sortInPlace(sorted, count)
    return { sorted, size: count, head: null, whole: null }
  }
  const entropy = Math.log2(totalWeight) - (weightedShift / totalWeight) * Math.LOG2E
  return { sorted, size: count, head: null, whole: { entropy, totalWeight } }
}

/** The entries the fast binary appends after the head: no token has a negative id. */
const entropyKey = -1 as Token
const candidatesKey = -2 as Token
/** A bounded step's upper bound (step-sampler.ts), before them; its `entropy` is the lower. */
export const entropyUpperKey = -3

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
  ensureScratch(size)
  let i = 0
  probabilities.forEach((probability, id) => {
    if (i >= size) return
    scratchIds[i] = id
    scratchLogits[i++] = Math.log(probability)
  })
  return headOf(size, entropyNats, candidates)
}

/** The head read into the scratch arrays (ids and ln p), with its weights and normaliser. */
function headOf(
  size: number,
  entropyNats: number,
  candidates: number,
): {
  sorted: SortedLogits
  size: number
  entropy: number
  totalWeight: number
  fullWeight: number | undefined
  entropyUpper?: number
} {
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
