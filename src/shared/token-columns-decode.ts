import type { GeneratedToken, TokenCandidate } from './contract'
import { decodeReported } from './remote'
import type { RunColumns } from './token-columns'

/** `{ bytes }` when the id's text cannot show its bytes, else `{}`. */
function bytesField(columns: RunColumns, id: number): { bytes?: number[] } {
  const bytes = columns.bytesById.get(id)
  return bytes ? { bytes } : {}
}

/** Entries `from` to `to` (exclusive) of the `alt…` columns as objects. */
function candidates(columns: RunColumns, from: number, to: number): TokenCandidate[] {
  const list = new Array<TokenCandidate>(Math.max(0, to - from))
  for (let a = from; a < to; a++) {
    const id = columns.altId.get(a)
    const candidate: TokenCandidate = {
      id,
      text: columns.altText(a),
      ...bytesField(columns, id),
      logit: columns.altLogit.get(a),
      modelProb: columns.altModelProb.get(a),
      samplingProb: columns.altSamplingProb.get(a),
    }
    const shift = columns.altPenaltyShift?.get(a) ?? NaN
    if (!Number.isNaN(shift)) candidate.penaltyShift = shift
    list[a - from] = candidate
  }
  return list
}

/** Token i of the columns as the UI holds it (`RunColumns.token`). */
export function decodeToken(columns: RunColumns, i: number): GeneratedToken {
  const start = columns.altStart(i)
  const end = columns.altEnd.get(i)
  const shownEnd = start + columns.altShown.get(i)
  const id = columns.id.get(i)
  const token: GeneratedToken = {
    id,
    text: columns.text(i),
    ...bytesField(columns, id),
    logit: columns.logit.get(i),
    modelProb: columns.modelProb.get(i),
    samplingProb: columns.samplingProb.get(i),
    position: columns.position.get(i),
    rank: columns.rank.get(i),
    entropyBits: columns.entropyBits.get(i),
    alternatives: candidates(columns, start, shownEnd),
    tailMass: columns.tailMass.get(i),
  }
  if (shownEnd < end) token.moreCandidates = candidates(columns, shownEnd, end)
  const upper = columns.entropyUpperBits?.get(i) ?? NaN
  if (!Number.isNaN(upper)) token.entropyUpperBits = upper
  if (columns.isThought(i)) token.segment = 'thought'
  const reported = columns.reported.get(i)
  if (reported !== 0) token.reported = decodeReported(reported, token.alternatives.length)
  return token
}
