import { z } from 'zod'
import type { GeneratedToken, TokenCandidate } from './contract'
import { columnNode } from './compare-tree'
import { AppFailure } from './errors'
import { describeIssues } from './schemas'
import { runTargetSchema, type RunTarget } from './session-intents'
import type { StoredDocument } from './stored-document'
import type { RunColumns } from './token-columns'

/**
 * A long session read back in two steps. Of a 20,000-token run with 20 alternatives each, 92% of
 * the bytes (42 MB as JSON) are the alternatives, which nobody looks at until they inspect a
 * token; parsing them in the page was one task of seconds. So the outline comes first (the tree,
 * the settings, every token with its own numbers: what the views draw), and each run's
 * alternatives follow in pages of numbers, which the page parses in a few milliseconds each.
 */

export interface SessionPageRequest {
  id: string
  target: RunTarget
  /** The first token of the page and the one after its last, as indices in the run. */
  from: number
  to: number
}

/**
 * The alternatives of tokens `from` to `to` of a run, as columns: one entry per candidate, the
 * candidates of token `from` first. Each token's `shown` candidates are its alternatives, its
 * `more` after them its `moreCandidates`.
 */
export interface SessionPage {
  from: number
  to: number
  shown: number[]
  more: number[]
  ids: number[]
  logits: number[]
  modelProbs: number[]
  samplingProbs: number[]
  /** Each candidate's penalty shift (null: none); absent when no candidate of the page has one. */
  penaltyShifts?: (number | null)[]
  /** Each candidate's text, as an index into `texts`. */
  text: number[]
  texts: string[]
  /** The bytes of the ids whose text cannot show them. */
  bytes: [number, number[]][]
}

export const defaultPageTokens = 250
/** The most tokens one page request may ask for. */
export const maxPageTokens = 4000

const sessionPageRequestSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a session id uses only letters, digits, - and _'),
    target: runTargetSchema,
    from: z.int().min(0),
    to: z.int().min(1),
  })
  .strict()
  .refine((r) => r.to > r.from && r.to - r.from <= maxPageTokens, {
    message: `a page holds 1 to ${maxPageTokens} tokens (from < to)`,
  })

export function parseSessionPageRequest(input: unknown): SessionPageRequest {
  const parsed = sessionPageRequestSchema.safeParse(input)
  if (parsed.success) return parsed.data
  throw new AppFailure({
    code: 'invalid-request',
    message: `This page request is not valid: ${describeIssues(parsed.error)}.`,
  })
}

/** The run that `target` names in a stored session, or null. */
export function runAt(doc: StoredDocument, target: RunTarget): RunColumns | null {
  const node =
    'nodeId' in target
      ? doc.nodes.find((n) => n.id === target.nodeId)
      : columnNode(doc.nodes, target.column)
  return node?.run?.tokens ?? null
}

/** Tokens `from` to `to` of `columns` (cut at its end) as a page. */
export function pageOf(columns: RunColumns, from: number, to: number): SessionPage {
  const end = Math.min(to, columns.length)
  const page: SessionPage = {
    from,
    to: end,
    shown: [],
    more: [],
    ids: [],
    logits: [],
    modelProbs: [],
    samplingProbs: [],
    text: [],
    texts: [],
    bytes: [],
  }
  const textIndex = new Map<string, number>()
  const withBytes = new Set<number>()
  const shifts: (number | null)[] = []
  for (let i = from; i < end; i++) {
    const start = columns.altStart(i)
    page.shown.push(columns.altShown.get(i))
    page.more.push(columns.altEnd.get(i) - start - columns.altShown.get(i))
    for (let a = start; a < columns.altEnd.get(i); a++) {
      const id = columns.altId.get(a)
      page.ids.push(id)
      page.logits.push(columns.altLogit.get(a))
      page.modelProbs.push(columns.altModelProb.get(a))
      page.samplingProbs.push(columns.altSamplingProb.get(a))
      const shift = columns.altPenaltyShift?.get(a) ?? NaN
      shifts.push(Number.isNaN(shift) ? null : shift)
      const text = columns.altText(a)
      let index = textIndex.get(text)
      if (index === undefined) {
        index = page.texts.length
        textIndex.set(text, index)
        page.texts.push(text)
      }
      page.text.push(index)
      if (columns.bytesById.has(id)) withBytes.add(id)
    }
  }
  if (shifts.some((s) => s !== null)) page.penaltyShifts = shifts
  page.bytes = [...withBytes].map((id) => [id, columns.bytesById.get(id)!])
  return page
}

/**
 * Puts a page's alternatives into `tokens` (the run's tokens as the outline gave them), in
 * place: every view that holds these token objects sees them at once.
 */
export function fillFromPage(tokens: readonly GeneratedToken[], page: SessionPage): void {
  const bytes = new Map(page.bytes)
  let a = 0
  const take = (count: number): TokenCandidate[] => {
    const list = new Array<TokenCandidate>(count)
    for (let k = 0; k < count; k++, a++) {
      const id = page.ids[a]!
      const idBytes = bytes.get(id)
      const candidate: TokenCandidate = {
        id,
        text: page.texts[page.text[a]!] ?? '',
        ...(idBytes && { bytes: idBytes }),
        logit: page.logits[a]!,
        modelProb: page.modelProbs[a]!,
        samplingProb: page.samplingProbs[a]!,
      }
      const shift = page.penaltyShifts?.[a]
      if (shift !== undefined && shift !== null) candidate.penaltyShift = shift
      list[k] = candidate
    }
    return list
  }
  for (let i = page.from; i < page.to; i++) {
    const token = tokens[i]
    const k = i - page.from
    const shown = take(page.shown[k] ?? 0)
    const more = page.more[k] ?? 0
    const moreCandidates = more > 0 ? take(more) : undefined
    if (!token) continue
    token.alternatives = shown
    if (moreCandidates) token.moreCandidates = moreCandidates
  }
}
