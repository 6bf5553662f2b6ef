import { penalizedLogit, type PenaltySettings } from '../../shared/penalties'
import { keptProbability, type SortedChain } from '../../shared/sampling'
import type { SortedLogits } from './step-reader'

// Reused from step to step like the step reader's own arrays: no allocation per token.
let orderIds = new Int32Array(0)
let orderLogits = new Float64Array(0)
let keptStamp = new Int32Array(0)
let stamp = 0

/**
 * The model's logits (sorted, highest first) with the frequency and presence penalties applied,
 * sorted again. Only the tokens in the window move, and there are at most a window's worth of
 * them, so this is one merge of the untouched order with a few re-placed tokens, not a sort of
 * the vocabulary. `given` holds penalised logits llama.cpp computed (the repeat penalty's), by id.
 */
export function penalise(
  sorted: SortedLogits,
  size: number,
  counts: ReadonlyMap<number, number>,
  settings: PenaltySettings,
  given?: ReadonlyMap<number, number>,
) {
  if (orderIds.length < size) {
    orderIds = new Int32Array(size)
    orderLogits = new Float64Array(size)
  }
  const moved: { id: number; logit: number; index: number }[] = []
  for (let i = 0; i < size; i++) {
    const id = sorted.ids[i] ?? 0
    const count = counts.get(id) ?? 0
    if (count > 0) {
      const logit = given?.get(id) ?? penalizedLogit(sorted.logits[i] ?? 0, count, settings)
      moved.push({ id, logit, index: i })
    }
  }
  // Equal logits keep the model's order, as a stable sort of the whole list would.
  moved.sort((a, b) => b.logit - a.logit || a.index - b.index)
  const penalisedOf = new Map(moved.map((m) => [m.id, m.logit]))
  let next = 0
  let m = 0
  for (let i = 0; i < size; i++) {
    const id = sorted.ids[i] ?? 0
    if (penalisedOf.has(id)) continue
    const logit = sorted.logits[i] ?? 0
    for (; m < moved.length && beats(moved[m]!, logit, i); m++) place(moved[m]!)
    orderIds[next] = id
    orderLogits[next++] = logit
  }
  for (; m < moved.length; m++) place(moved[m]!)

  function place(entry: { id: number; logit: number }) {
    orderIds[next] = entry.id
    orderLogits[next++] = entry.logit
  }

  const order = { ids: orderIds, logits: orderLogits }
  return {
    order,
    /** The penalised logit of each token the penalties moved, by id. */
    moved: penalisedOf as ReadonlyMap<number, number>,
    /** The sampling probability of the token at `index` of the model's order. */
    keptProbability(chain: SortedChain) {
      // The whole vocabulary is given, so its ids are 0 … size − 1.
      if (keptStamp.length < size) keptStamp = new Int32Array(size)
      stamp++
      for (let i = 0; i < chain.kept; i++) keptStamp[orderIds[i] ?? 0] = stamp
      return (index: number) => {
        const id = sorted.ids[index] ?? 0
        if (keptStamp[id] !== stamp) return 0
        return keptProbability(chain, penalisedOf.get(id) ?? sorted.logits[index] ?? 0)
      }
    },
  }
}

/** Whether a moved token goes before an untouched one with `logit` at model index `index`. */
function beats(entry: { logit: number; index: number }, logit: number, index: number) {
  return entry.logit > logit || (entry.logit === logit && entry.index < index)
}

/**
 * The penalised logits llama.cpp computed for the tokens in the window, moved into the frame of
 * the model's ln p. `penalised` is the softmax of the penalised logits ([id, q, id, q, …]): ln q is
 * the penalised logit minus its own constant, and a token the penalties left alone has the same
 * logit in both, so ln q − ln p of such a token (the most likely one: the most precise) is the
 * shift between the frames. With every token in the window, none is left to measure it by; the
 * chain is shift-invariant and every token then moves, so ln q serves as it is.
 */
export function penalisedInModelFrame(
  penalised: ArrayLike<number>,
  sorted: SortedLogits,
  size: number,
  counts: ReadonlyMap<number, number>,
): Map<number, number> {
  let reference = -1
  let referenceLogit = 0
  for (let i = 0; i < size; i++) {
    const id = sorted.ids[i] ?? 0
    if (!counts.has(id)) {
      reference = id
      referenceLogit = sorted.logits[i] ?? 0
      break
    }
  }
  const logits = new Map<number, number>()
  let shift = 0
  for (let k = 0; k + 1 < penalised.length; k += 2) {
    const id = penalised[k] ?? -1
    const q = penalised[k + 1] ?? 0
    if (counts.has(id)) logits.set(id, Math.log(q))
    else if (id === reference) shift = Math.log(q) - referenceLogit
  }
  for (const [id, logit] of logits) logits.set(id, logit - shift)
  return logits
}
