import type { GeneratedToken, TokenText } from '../../shared/contract'
import type { RunRecord } from '../../shared/conversation'
import type { SessionIntent } from '../../shared/session-intents'
import { sessionFileVersion, type SessionDocument } from '../../shared/sessions'
import { decodeReported, encodeReported } from '../../shared/remote'
import { Column } from '../../shared/chunked-column'
import type { StoredDocument, StoredRun } from '../../shared/stored-document'
import type { RunColumns } from '../../shared/token-columns'

/**
 * The host's session files, version 2 (see `sessionFileVersion`):
 *
 * `<id>.json`, the snapshot, written whole and atomically:
 *   line 1  header: `{schemaVersion: 2, seq, id, title, kind, createdAt, updatedAt}`; the
 *           session list reads only this line
 *   line 2  the document, every run replaced by its number (null: none)
 *   line 3… one run per line, its tokens as columns (`EncodedRun`)
 *
 * `<id>.journal`, append-only, one intent per line: `{s: seq, at: time, i: intent}`, where a
 * `tokensAdded` intent's tokens and a `runStarted` intent's prompt are columns too. Replay skips
 * lines with `s` up to the snapshot's `seq`, so a crash between writing a snapshot and emptying
 * the journal is harmless.
 *
 * Columns: a token is its numbers in parallel arrays, its alternatives as flat parallel arrays
 * with a count per token, and each token text once per id (a run's texts all come from one
 * model). JSON writes numbers exactly, so a document reads back as it was.
 */

export interface SnapshotHeader {
  schemaVersion: number
  seq: number
  id: string
  title: string
  kind: SessionDocument['kind']
  createdAt: string
  updatedAt: string
}

/** Token texts by id: `ids[i]` reads as `texts[i]`; `bytes` by id where the text cannot show them. */
interface Vocabulary {
  ids: number[]
  texts: string[]
  bytes?: Record<string, number[]>
}

export interface TokenColumns {
  id: number[]
  logit: number[]
  modelProb: number[]
  samplingProb: number[]
  position: number[]
  rank: number[]
  entropyBits: number[]
  tailMass: number[]
  /** Indices of the tokens marked as thought. */
  thought: number[]
  /**
   * For a remote engine's tokens: index, then which numbers it measured (`encodeReported`),
   * pair after pair. Absent in files written before it, and where every token is local.
   */
  reported?: number[]
  /**
   * For the tokens whose entropy was bounded (`GeneratedToken.entropyUpperBits`): index, then
   * the upper bound, pair after pair. Absent in files written before it, and where none was.
   */
  entropyUpperBits?: number[]
  /** How many alternatives each token has; theirs follow in the `alt…` arrays. */
  altCount: number[]
  /**
   * How many of each token's `altCount` are alternatives; the rest are its `moreCandidates`.
   * Absent in files written before it: all are alternatives.
   */
  altShown?: number[]
  altId: number[]
  altLogit: number[]
  altModelProb: number[]
  altSamplingProb: number[]
  /**
   * With a repeat penalty: alternative index (in the `alt…` arrays), then its `penaltyShift`,
   * pair after pair. Absent in files written before it, and where no candidate has one.
   */
  altPenaltyShift?: number[]
}

/** Tokens (and a prompt) as columns; `plain` when the same id came with two texts. */
export type EncodedTokens =
  | { vocabulary: Vocabulary; prompt: number[]; tokens: TokenColumns }
  | { plain: { prompt: TokenText[]; tokens: GeneratedToken[] } }

export type EncodedRun = EncodedTokens & {
  stopReason: RunRecord['stopReason']
  sampling: RunRecord['sampling']
  tokensPerSecond: number | null
  timeToFirstTokenMs: number | null
}

const emptyColumns = (): TokenColumns => ({
  id: [],
  logit: [],
  modelProb: [],
  samplingProb: [],
  position: [],
  rank: [],
  entropyBits: [],
  tailMass: [],
  thought: [],
  altCount: [],
  altShown: [],
  altId: [],
  altLogit: [],
  altModelProb: [],
  altSamplingProb: [],
})

/** Builds columns a slice at a time (so a long run can be encoded between other work). */
export class TokenEncoder {
  private readonly texts = new Map<number, string>()
  private readonly bytes: Record<string, number[]> = {}
  private readonly columns = emptyColumns()
  private readonly prompt: number[] = []
  private conflict = false
  private count = 0

  constructor(
    private readonly promptTokens: readonly TokenText[],
    private readonly tokens: readonly GeneratedToken[],
  ) {
    for (const t of promptTokens) {
      this.word(t)
      this.prompt.push(t.id)
    }
  }

  private word({ id, text, bytes }: TokenText) {
    if (bytes) this.bytes[id] = bytes
    const known = this.texts.get(id)
    if (known === undefined) this.texts.set(id, text)
    else if (known !== text) this.conflict = true
  }

  /** Encodes up to `n` more tokens; false once all are in. */
  step(n: number): boolean {
    const c = this.columns
    const end = Math.min(this.tokens.length, this.count + n)
    for (let i = this.count; i < end; i++) {
      const t = this.tokens[i]!
      this.word(t)
      c.id.push(t.id)
      c.logit.push(t.logit)
      c.modelProb.push(t.modelProb)
      c.samplingProb.push(t.samplingProb)
      c.position.push(t.position)
      c.rank.push(t.rank)
      c.entropyBits.push(t.entropyBits)
      c.tailMass.push(t.tailMass)
      if (t.segment === 'thought') c.thought.push(i)
      if (t.reported) (c.reported ??= []).push(i, encodeReported(t.reported))
      if (t.entropyUpperBits !== undefined) (c.entropyUpperBits ??= []).push(i, t.entropyUpperBits)
      const more = t.moreCandidates ?? []
      c.altCount.push(t.alternatives.length + more.length)
      c.altShown?.push(t.alternatives.length)
      for (const a of [...t.alternatives, ...more]) {
        this.word(a)
        if (a.penaltyShift !== undefined)
          (c.altPenaltyShift ??= []).push(c.altId.length, a.penaltyShift)
        c.altId.push(a.id)
        c.altLogit.push(a.logit)
        c.altModelProb.push(a.modelProb)
        c.altSamplingProb.push(a.samplingProb)
      }
    }
    this.count = end
    return end < this.tokens.length
  }

  result(): EncodedTokens {
    while (this.step(4096));
    if (this.conflict)
      return { plain: { prompt: [...this.promptTokens], tokens: [...this.tokens] } }
    const bytes = Object.keys(this.bytes).length > 0 ? { bytes: this.bytes } : {}
    return {
      vocabulary: { ids: [...this.texts.keys()], texts: [...this.texts.values()], ...bytes },
      prompt: this.prompt,
      tokens: this.columns,
    }
  }
}

export function encodeTokens(
  prompt: readonly TokenText[],
  tokens: readonly GeneratedToken[],
): EncodedTokens {
  return new TokenEncoder(prompt, tokens).result()
}

export function decodeTokens(encoded: EncodedTokens): {
  prompt: TokenText[]
  tokens: GeneratedToken[]
} {
  if ('plain' in encoded) return { prompt: encoded.plain.prompt, tokens: encoded.plain.tokens }
  const texts = new Map<number, string>()
  encoded.vocabulary.ids.forEach((id, i) => texts.set(id, encoded.vocabulary.texts[i] ?? ''))
  const byteTable = encoded.vocabulary.bytes ?? {}
  const word = (id: number): TokenText => {
    const bytes = byteTable[id]
    return bytes ? { id, text: texts.get(id) ?? '', bytes } : { id, text: texts.get(id) ?? '' }
  }
  const c = encoded.tokens
  const thought = new Set(c.thought)
  const reported = new Map<number, number>()
  for (let k = 0; k + 1 < (c.reported?.length ?? 0); k += 2)
    reported.set(c.reported![k]!, c.reported![k + 1]!)
  const upper = new Map<number, number>()
  for (let k = 0; k + 1 < (c.entropyUpperBits?.length ?? 0); k += 2)
    upper.set(c.entropyUpperBits![k]!, c.entropyUpperBits![k + 1]!)
  const tokens: GeneratedToken[] = new Array<GeneratedToken>(c.id.length)
  const shifts = new Map<number, number>()
  for (let k = 0; k + 1 < (c.altPenaltyShift?.length ?? 0); k += 2)
    shifts.set(c.altPenaltyShift![k]!, c.altPenaltyShift![k + 1]!)
  let a = 0
  const candidates = (count: number) => {
    const list = new Array<GeneratedToken['alternatives'][number]>(count)
    for (let k = 0; k < count; k++, a++) {
      list[k] = {
        ...word(c.altId[a]!),
        logit: c.altLogit[a]!,
        modelProb: c.altModelProb[a]!,
        samplingProb: c.altSamplingProb[a]!,
      }
      const shift = shifts.get(a)
      if (shift !== undefined) list[k]!.penaltyShift = shift
    }
    return list
  }
  for (let i = 0; i < c.id.length; i++) {
    const count = c.altCount[i] ?? 0
    const shown = Math.min(count, c.altShown?.[i] ?? count)
    const alternatives = candidates(shown)
    const more = shown < count ? candidates(count - shown) : null
    const token: GeneratedToken = {
      ...word(c.id[i]!),
      logit: c.logit[i]!,
      modelProb: c.modelProb[i]!,
      samplingProb: c.samplingProb[i]!,
      position: c.position[i]!,
      rank: c.rank[i]!,
      entropyBits: c.entropyBits[i]!,
      alternatives,
      tailMass: c.tailMass[i]!,
    }
    if (more) token.moreCandidates = more
    const upperBits = upper.get(i)
    if (upperBits !== undefined) token.entropyUpperBits = upperBits
    if (thought.has(i)) token.segment = 'thought'
    const bits = reported.get(i)
    if (bits !== undefined) token.reported = decodeReported(bits, alternatives.length)
    tokens[i] = token
  }
  return { prompt: encoded.prompt.map(word), tokens }
}

export function decodeRun(encoded: EncodedRun): RunRecord {
  const { prompt, tokens } = decodeTokens(encoded)
  return {
    prompt,
    tokens,
    stopReason: encoded.stopReason,
    sampling: encoded.sampling,
    tokensPerSecond: encoded.tokensPerSecond,
    timeToFirstTokenMs: encoded.timeToFirstTokenMs,
  }
}

/** A journal line's intent: tokens and prompts as columns, everything else as it is. */
export type JournalIntent =
  | Exclude<SessionIntent, { type: 'tokensAdded' } | { type: 'runStarted' }>
  | {
      type: 'tokensAdded'
      target: Extract<SessionIntent, { type: 'tokensAdded' }>['target']
      encoded: EncodedTokens
      now?: string
    }
  | {
      type: 'runStarted'
      target: Extract<SessionIntent, { type: 'runStarted' }>['target']
      sampling: Extract<SessionIntent, { type: 'runStarted' }>['sampling']
      encoded: EncodedTokens
      now?: string
    }

export interface JournalLine {
  /** The intent's sequence number in this session. */
  s: number
  /** The time it was applied at (`updatedAt` for intents that carry none). */
  at: string
  i: JournalIntent
}

/** An intent's own time, when it carries one (an import's), as a field to spread. */
const nowOf = (intent: { now?: string }) => (intent.now === undefined ? {} : { now: intent.now })

export function encodeIntent(intent: SessionIntent): JournalIntent {
  if (intent.type === 'tokensAdded')
    return {
      type: 'tokensAdded',
      target: intent.target,
      encoded: encodeTokens([], intent.tokens),
      ...nowOf(intent),
    }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      encoded: encodeTokens(intent.prompt, []),
      ...nowOf(intent),
    }
  return intent
}

export function decodeIntent(intent: JournalIntent): SessionIntent {
  if (intent.type === 'tokensAdded')
    return {
      type: 'tokensAdded',
      target: intent.target,
      tokens: decodeTokens(intent.encoded).tokens,
      ...nowOf(intent),
    }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      prompt: decodeTokens(intent.encoded).prompt,
      ...nowOf(intent),
    }
  return intent
}

export function headerOf(
  doc: Pick<SessionDocument, 'id' | 'title' | 'kind' | 'createdAt' | 'updatedAt'>,
  seq: number,
): SnapshotHeader {
  const { id, title, kind, createdAt, updatedAt } = doc
  return { schemaVersion: sessionFileVersion, seq, id, title, kind, createdAt, updatedAt }
}

/**
 * Text written a piece at a time and kept as UTF-8 buffers of about 64 KB, outside the
 * JavaScript heap: a long run's text never piles up as strings for the garbage collector to copy.
 */
export class TextSink {
  private pending: string[] = []
  private pendingLength = 0
  private readonly buffers: Buffer[] = []
  /** Bytes sealed into buffers so far. */
  bytes = 0

  push(...texts: string[]): void {
    for (const text of texts) {
      this.pending.push(text)
      this.pendingLength += text.length
    }
    if (this.pendingLength >= 1 << 16) this.seal()
  }

  private seal() {
    if (this.pending.length === 0) return
    const buffer = Buffer.from(this.pending.join(''), 'utf8')
    this.buffers.push(buffer)
    this.bytes += buffer.length
    this.pending = []
    this.pendingLength = 0
  }

  /** Everything written, as buffers. */
  finish(): Buffer[] {
    this.seal()
    return this.buffers
  }
}

/** Awaits a pause whenever about `sliceMs` of work went by since the last one. */
export function breather(pause: () => Promise<void>, sliceMs = 4): () => Promise<void> {
  let sliceStart = performance.now()
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return
    await pause()
    sliceStart = performance.now()
  }
}

/**
 * A snapshot's text, as UTF-8 buffers, working at most about `sliceMs` at a time before awaiting
 * `pause()`: a long session is written without holding the event loop. Runs are written straight
 * from their columns (the file's form already), a slice of a column at a time.
 */
export async function snapshotText(
  doc: StoredDocument,
  seq: number,
  pause: () => Promise<void>,
  sliceMs = 4,
): Promise<Buffer[]> {
  const pieces = new TextSink()
  const breathe = breather(pause, sliceMs)
  const runs: StoredRun[] = []
  const numbered = (run: StoredRun | null) => (run ? runs.push(run) - 1 : null)
  const skeleton = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: numbered(n.run) })) }
  pieces.push(JSON.stringify(headerOf(doc, seq)), '\n', JSON.stringify(skeleton), '\n')
  for (const run of runs) {
    await breathe()
    const meta = {
      stopReason: run.stopReason,
      sampling: run.sampling,
      tokensPerSecond: run.tokensPerSecond,
      timeToFirstTokenMs: run.timeToFirstTokenMs,
    }
    await writeEncodedTokens(run.tokens, 0, run.tokens.length, run.prompt, pieces, breathe)
    // The run's other fields close the object.
    pieces.push(`,${JSON.stringify(meta).slice(1)}`, '\n')
  }
  return pieces.finish()
}

/**
 * Tokens `from` to `to` of a run held as columns (and a prompt), as the JSON of `EncodedTokens`
 * into `pieces`, read straight from the columns: the snapshot's runs and the journal's token
 * lines alike. The vocabulary holds the ids that occur (all the run's, for a whole run). Plain
 * tokens if an id has two texts, as `encodeTokens` does. The object is left open: the caller
 * closes it, after fields of its own if it likes.
 */
export async function writeEncodedTokens(
  c: RunColumns,
  from: number,
  to: number,
  prompt: readonly TokenText[],
  pieces: TextSink,
  breathe: () => Promise<void>,
): Promise<void> {
  const vocabulary = vocabularyOf(c, from, to, prompt)
  if (!vocabulary) {
    const plain = { prompt, tokens: c.tokens(from, to) }
    pieces.push(JSON.stringify({ plain }).slice(0, -1))
    return
  }
  pieces.push(`{"vocabulary":${JSON.stringify(vocabulary)}`)
  pieces.push(`,"prompt":${JSON.stringify(prompt.map((t) => t.id))},"tokens":`)
  const altFrom = c.altStart(from)
  const altTo = c.altStart(to)
  const column = async (key: string, values: Column<NumberArray>, start: number, end: number) => {
    pieces.push(`${key === 'id' ? '{' : ','}"${key}":[`)
    let first = true
    for (const view of values.views(start, end)) {
      if (!first) pieces.push(',')
      first = false
      pieces.push(numbersText(view))
      await breathe()
    }
    pieces.push(']')
  }
  /** A column of `count` numbers made for the file (a chunk of the columns is all it holds). */
  const made = (count: number, at: (k: number) => number) => {
    const values = new Column((n) => new Uint32Array(n))
    values.reserve(count)
    for (let k = 0; k < count; k++) values.set(k, at(k))
    return values
  }
  await column('id', c.id, from, to)
  await column('logit', c.logit, from, to)
  await column('modelProb', c.modelProb, from, to)
  await column('samplingProb', c.samplingProb, from, to)
  await column('position', c.position, from, to)
  await column('rank', c.rank, from, to)
  await column('entropyBits', c.entropyBits, from, to)
  await column('tailMass', c.tailMass, from, to)
  const thought: number[] = []
  for (let i = from; i < to; i++) if (c.isThought(i)) thought.push(i - from)
  await column(
    'thought',
    made(thought.length, (k) => thought[k]!),
    0,
    thought.length,
  )
  const reported: number[] = []
  for (let i = from; i < to; i++) {
    const bits = c.reported.get(i)
    if (bits !== 0) reported.push(i - from, bits & 0x7f)
  }
  if (reported.length > 0)
    await column(
      'reported',
      made(reported.length, (k) => reported[k]!),
      0,
      reported.length,
    )
  const upper: number[] = []
  if (c.entropyUpperBits) {
    for (let i = from; i < to; i++) {
      const bits = c.entropyUpperBits.get(i)
      if (!Number.isNaN(bits)) upper.push(i - from, bits)
    }
  }
  if (upper.length > 0) pieces.push(`,"entropyUpperBits":${JSON.stringify(upper)}`)
  const altCount = made(to - from, (k) => c.altEnd.get(from + k) - c.altStart(from + k))
  await column('altCount', altCount, 0, to - from)
  await column('altShown', c.altShown, from, to)
  await column('altId', c.altId, altFrom, altTo)
  await column('altLogit', c.altLogit, altFrom, altTo)
  await column('altModelProb', c.altModelProb, altFrom, altTo)
  await column('altSamplingProb', c.altSamplingProb, altFrom, altTo)
  const shifts: number[] = []
  if (c.altPenaltyShift) {
    for (let a = altFrom; a < altTo; a++) {
      const shift = c.altPenaltyShift.get(a)
      if (!Number.isNaN(shift)) shifts.push(a - altFrom, shift)
    }
  }
  if (shifts.length > 0) pieces.push(`,"altPenaltyShift":${JSON.stringify(shifts)}`)
  pieces.push('}')
}

/** The texts of the ids in tokens `from` to `to` and the prompt; null if an id has two. */
function vocabularyOf(
  c: RunColumns,
  from: number,
  to: number,
  prompt: readonly TokenText[],
): Vocabulary | null {
  const altFrom = c.altStart(from)
  const altTo = c.altStart(to)
  const odd = (map: Map<number, string> | null, start: number, end: number) =>
    [...(map?.keys() ?? [])].some((at) => at >= start && at < end)
  if (odd(c.tokenTexts, from, to) || odd(c.altTexts, altFrom, altTo)) return null
  const vocabulary: Vocabulary = c.vocabulary(from, to)
  const bytes: Record<string, number[]> = {}
  for (const id of vocabulary.ids) {
    const known = c.bytesById.get(id)
    if (known) bytes[id] = known
  }
  for (const t of prompt) if (t.bytes) bytes[t.id] = t.bytes
  if (Object.keys(bytes).length > 0) vocabulary.bytes = bytes
  if (prompt.length === 0) return vocabulary
  // The prompt's ids too: those the vocabulary lacks are added, none may have two texts.
  const listed = from === 0 && to === c.length ? null : new Set(vocabulary.ids)
  const added = new Map<number, string>()
  for (const t of prompt) {
    const known = c.textOf(t.id) ?? added.get(t.id)
    if (known !== undefined && known !== t.text) return null
    if (added.has(t.id)) continue
    if (known === undefined || (listed && !listed.has(t.id))) {
      added.set(t.id, t.text)
      vocabulary.ids.push(t.id)
      vocabulary.texts.push(t.text)
    }
  }
  return vocabulary
}

type NumberArray = Float64Array | Uint32Array | Uint8Array

/** Numbers as JSON writes them, comma-separated (null for NaN and infinities, as JSON does). */
function numbersText(values: NumberArray): string {
  for (const value of values)
    if (!Number.isFinite(value)) return JSON.stringify(Array.from(values)).slice(1, -1)
  return values.join(',')
}

/** Reads a version-2 snapshot's lines back into the document (unchecked) and its sequence. */
export function parseSnapshot(lines: string[]): { header: SnapshotHeader; document: unknown } {
  const header = JSON.parse(lines[0] ?? '') as SnapshotHeader
  const skeleton = JSON.parse(lines[1] ?? '') as {
    nodes?: { run: number | null }[]
    compare?: { columns?: { run: number | null }[] }
  }
  const runs = new Map<number, RunRecord>()
  const run = (n: number | null) => {
    if (n === null) return null
    let record = runs.get(n)
    if (!record) {
      const line = lines[2 + n]
      if (line === undefined) throw new Error(`run ${n} is missing`)
      record = decodeRun(JSON.parse(line) as EncodedRun)
      runs.set(n, record)
    }
    return record
  }
  const document = {
    ...skeleton,
    nodes: skeleton.nodes?.map((node) => ({ ...node, run: run(node.run) })),
    // Session format 2 kept a comparison's runs in its record (session-legacy.ts).
    ...(skeleton.compare && {
      compare: {
        ...skeleton.compare,
        columns: skeleton.compare.columns?.map((c) => ({ ...c, run: run(c.run) })),
      },
    }),
  }
  return { header, document }
}
