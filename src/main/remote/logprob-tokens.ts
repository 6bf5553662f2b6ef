import type { GeneratedToken, TokenCandidate } from '../../shared/contract'
import { limits } from '../../shared/schemas'
import type { ReportedNumbers, ReportedProbability } from '../../shared/remote'

/**
 * One token as a server reports it, in the chat format (`logprobs.content[i]`); the completion
 * format's parallel lists are turned into these by `completionEntries`. llama-server adds `id`.
 */
export interface LogprobEntry {
  token: string
  logprob: number
  bytes?: number[] | null
  id?: number
  top_logprobs: { token: string; logprob: number; bytes?: number[] | null; id?: number }[]
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isLogprob = (value: unknown): value is number =>
  typeof value === 'number' && !Number.isNaN(value) && value <= 1e-6

/** The smallest log-probability kept: e^-1000 is 0 in a double, as a reported 0 must stay. */
const zeroLogprob = -1000

/**
 * An item's log-probability: `logprob`, or llama-server's `prob` (what it sends instead when
 * asked for post-sampling probabilities). Null when it has neither.
 */
function logprobOf(item: Record<string, unknown>): number | null {
  if (isLogprob(item.logprob)) return item.logprob
  const p = item.prob
  if (typeof p !== 'number' || !(p >= 0 && p <= 1 + 1e-6)) return null
  return Math.max(zeroLogprob, Math.log(Math.min(p, 1)))
}

/** A server's entry checked field by field; null when it is not one (a server may send anything). */
export function readEntry(value: unknown): LogprobEntry | null {
  if (!isRecord(value) || typeof value.token !== 'string') return null
  const logprob = logprobOf(value)
  if (logprob === null) return null
  const listed = Array.isArray(value.top_logprobs) ? value.top_logprobs : value.top_probs
  const top = Array.isArray(listed) ? listed : []
  const alternatives: LogprobEntry['top_logprobs'] = []
  for (const candidate of top.slice(0, limits.topN)) {
    if (!isRecord(candidate) || typeof candidate.token !== 'string') continue
    const candidateLogprob = logprobOf(candidate)
    if (candidateLogprob === null) continue
    alternatives.push({
      token: candidate.token,
      logprob: candidateLogprob,
      bytes: byteList(candidate.bytes),
      ...(tokenId(candidate.id) !== null && { id: tokenId(candidate.id)! }),
    })
  }
  return {
    token: value.token,
    logprob,
    bytes: byteList(value.bytes),
    ...(tokenId(value.id) !== null && { id: tokenId(value.id)! }),
    top_logprobs: alternatives,
  }
}

/** The completion format (`tokens`, `token_logprobs`, `top_logprobs` as objects) as entries. */
export function completionEntries(value: unknown): LogprobEntry[] | null {
  if (!isRecord(value) || !Array.isArray(value.tokens) || !Array.isArray(value.token_logprobs))
    return null
  const tops = Array.isArray(value.top_logprobs) ? value.top_logprobs : []
  const entries: LogprobEntry[] = []
  for (let i = 0; i < value.tokens.length; i++) {
    const top = tops[i]
    const entry = readEntry({
      token: value.tokens[i],
      logprob: value.token_logprobs[i],
      top_logprobs: isRecord(top)
        ? Object.entries(top).map(([token, logprob]) => ({ token, logprob }))
        : [],
    })
    if (!entry) return null
    entries.push(entry)
  }
  return entries
}

function byteList(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length > 64) return null
  return value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? (value as number[]) : null
}

function tokenId(value: unknown): number | null {
  return Number.isInteger(value) && (value as number) >= 0 ? (value as number) : null
}

/** The same token in the head: by id where the server gives ids, else by text and bytes. */
function sameToken(a: { token: string; id?: number }, b: { token: string; id?: number }) {
  return a.id !== undefined && b.id !== undefined ? a.id === b.id : a.token === b.token
}

function candidateFrom(
  item: { token: string; logprob: number; bytes?: number[] | null; id?: number },
  kind: ReportedProbability,
): TokenCandidate {
  const p = Math.exp(item.logprob)
  const bytes = item.token.includes('\uFFFD') && item.bytes ? { bytes: item.bytes } : {}
  return {
    id: item.id ?? 0,
    text: item.token,
    ...bytes,
    logit: item.logprob,
    modelProb: kind === 'model' ? p : 0,
    samplingProb: kind === 'sampling' ? p : 0,
  }
}

/**
 * A reported token as a chip: the server's probabilities go where they belong (model or sampling
 * probability), and what it did not report is marked in `reported`, never filled with a guess:
 * the other probability, entropy (a head only bounds it), the token id where it sent none, and
 * the rank when the chosen token is not in the head.
 */
export function tokenFromEntry(
  entry: LogprobEntry,
  kind: ReportedProbability,
  position: number,
  segment?: 'thought',
): GeneratedToken {
  const head = [...entry.top_logprobs].sort((a, b) => b.logprob - a.logprob)
  const index = head.findIndex((item) => sameToken(item, entry))
  const alternatives = head.map((item) => candidateFrom(item, kind))
  const headMass = head.reduce((sum, item) => sum + Math.exp(item.logprob), 0)
  const reported: ReportedNumbers = {
    modelProb: kind === 'model',
    samplingProb: kind === 'sampling',
    entropy: false,
    rank: index >= 0,
    alternatives: head.length,
    tokenId: entry.id !== undefined,
  }
  return {
    ...candidateFrom(entry, kind),
    position,
    rank: index >= 0 ? index + 1 : head.length + 1,
    entropyBits: 0,
    alternatives,
    tailMass: Math.min(1, Math.max(0, 1 - headMass)),
    ...(segment && { segment }),
    reported,
  }
}
