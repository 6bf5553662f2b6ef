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
 * the vocabulary.
 */
export function penalise(
  sorted: SortedLogits,
  size: number,
  counts: ReadonlyMap<number, number>,
  settings: PenaltySettings,
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
      moved.push({ id, logit: penalizedLogit(sorted.logits[i] ?? 0, count, settings), index: i })
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
