import { nanColumn } from './chunked-column'
import type { GeneratedToken } from './contract'
import { encodeReported } from './remote'
import type { RunColumns } from './token-columns'

/** Marks a token of the `reported` column as a remote one (its flags may all be off). */
const remoteBit = 128

const hasPenaltyShift = (t: GeneratedToken) =>
  t.alternatives.some((a) => a.penaltyShift !== undefined) ||
  (t.moreCandidates ?? []).some((a) => a.penaltyShift !== undefined)

/** Appends tokens to the columns (`RunColumns.push`); O(tokens and their alternatives). */
export function appendTokens(columns: RunColumns, tokens: readonly GeneratedToken[]): void {
  let alternatives = columns.altLength
  for (const t of tokens) alternatives += t.alternatives.length + (t.moreCandidates?.length ?? 0)
  const length = columns.length + tokens.length
  for (const c of [columns.id, columns.logit, columns.modelProb, columns.samplingProb])
    c.reserve(length)
  for (const c of [columns.position, columns.rank, columns.entropyBits, columns.tailMass])
    c.reserve(length)
  for (const c of [columns.thought, columns.reported]) c.reserve(length)
  for (const c of [columns.altEnd, columns.altShown, columns.slot]) c.reserve(length)
  for (const c of [columns.altId, columns.altLogit, columns.altModelProb, columns.altSamplingProb])
    c.reserve(alternatives)
  columns.altSlot.reserve(alternatives)
  if (!columns.altPenaltyShift && tokens.some(hasPenaltyShift))
    columns.altPenaltyShift = nanColumn()
  columns.altPenaltyShift?.reserve(alternatives)
  if (!columns.entropyUpperBits && tokens.some((t) => t.entropyUpperBits !== undefined))
    columns.entropyUpperBits = nanColumn()
  columns.entropyUpperBits?.reserve(length)
  let i = columns.length
  let a = columns.altLength
  for (const t of tokens) {
    columns.slot.set(i, columns.slotOf(t, 'tokenTexts', i))
    columns.id.set(i, t.id)
    columns.logit.set(i, t.logit)
    columns.modelProb.set(i, t.modelProb)
    columns.samplingProb.set(i, t.samplingProb)
    columns.position.set(i, t.position)
    columns.rank.set(i, t.rank)
    columns.entropyBits.set(i, t.entropyBits)
    columns.tailMass.set(i, t.tailMass)
    columns.entropyUpperBits?.set(i, t.entropyUpperBits ?? NaN)
    columns.thought.set(i, t.segment === 'thought' ? 1 : 0)
    columns.reported.set(i, t.reported ? encodeReported(t.reported) | remoteBit : 0)
    for (const list of [t.alternatives, t.moreCandidates ?? []]) {
      for (const alt of list) {
        columns.altSlot.set(a, columns.slotOf(alt, 'altTexts', a))
        columns.altId.set(a, alt.id)
        columns.altLogit.set(a, alt.logit)
        columns.altModelProb.set(a, alt.modelProb)
        columns.altSamplingProb.set(a, alt.samplingProb)
        columns.altPenaltyShift?.set(a, alt.penaltyShift ?? NaN)
        a++
      }
    }
    columns.altShown.set(i, t.alternatives.length)
    columns.altEnd.set(i, a)
    i++
  }
  columns.length = i
  columns.altLength = a
}
