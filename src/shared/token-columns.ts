import type { GeneratedToken, TokenCandidate, TokenText } from './contract'
import { endMarker, type RunRecord } from './conversation'
import { decodeReported, encodeReported } from './remote'

/** Marks a token of the `reported` column as a remote one (its flags may all be off). */
const remoteBit = 128
import type { SessionDocument, SessionNode } from './sessions'

/** Entries per chunk of a column (a power of two). */
const chunkBits = 12
const chunkSize = 1 << chunkBits
const chunkMask = chunkSize - 1

type NumberArray = Float64Array | Uint32Array | Uint8Array

/**
 * A column of numbers in fixed-size typed-array chunks: growing it allocates a chunk and never
 * copies what it holds (a long run's columns are megabytes).
 */
export class Column<A extends NumberArray = Float64Array> {
  readonly chunks: A[] = []
  constructor(private readonly make: (size: number) => A) {}

  /** Makes room for `length` entries. */
  reserve(length: number): void {
    while (this.chunks.length * chunkSize < length) this.chunks.push(this.make(chunkSize))
  }

  get(i: number): number {
    return this.chunks[i >>> chunkBits]![i & chunkMask]!
  }

  set(i: number, value: number): void {
    this.chunks[i >>> chunkBits]![i & chunkMask] = value
  }

  /** Copies the first `count` entries of `source` (chunk by chunk) into this empty column. */
  copyFrom(source: Column<A>, count: number): void {
    this.reserve(count)
    for (let k = 0; k * chunkSize < count; k++) {
      const n = Math.min(chunkSize, count - k * chunkSize)
      this.chunks[k]!.set(source.chunks[k]!.subarray(0, n) as never)
    }
  }

  /** Entries `from` to `to` as views of the chunks, in order. */
  *views(from: number, to: number): Generator<A> {
    for (let i = from; i < to;) {
      const end = Math.min(to, ((i >>> chunkBits) + 1) << chunkBits)
      yield this.chunks[i >>> chunkBits]!.subarray(i & chunkMask, ((end - 1) & chunkMask) + 1) as A
      i = end
    }
  }
}

const floatColumns = [
  'id',
  'logit',
  'modelProb',
  'samplingProb',
  'position',
  'rank',
  'entropyBits',
  'tailMass',
] as const
const altFloatColumns = ['altId', 'altLogit', 'altModelProb', 'altSamplingProb'] as const

const float64 = () => new Column((n) => new Float64Array(n))
const nanColumn = () => new Column((n) => new Float64Array(n).fill(NaN))
const hasPenaltyShift = (t: GeneratedToken) =>
  t.alternatives.some((a) => a.penaltyShift !== undefined) ||
  (t.moreCandidates ?? []).some((a) => a.penaltyShift !== undefined)
const uint32 = () => new Column((n) => new Uint32Array(n))

/**
 * A run's tokens as the host holds them: columns of numbers in typed arrays (their memory lies
 * outside the JavaScript heap, so the garbage collector neither scans nor copies them), the
 * alternatives as flat parallel columns with each token's end offset, and each token text once
 * per id, which tokens and alternatives refer to by a small number (a slot). Appending a batch
 * costs O(batch): the token objects that brought it die young, and a 20,000-token run with 20
 * alternatives each is a few hundred typed arrays instead of 420,000 objects.
 *
 * Tokens become objects again only at the edges (`token`, `tokens`): when a session is handed to
 * the UI. The session files' column form (session-file.ts) is written straight from these.
 */
export class RunColumns {
  /** Tokens held. */
  length = 0
  /** Alternatives held (of all tokens). */
  altLength = 0
  readonly id = float64()
  readonly logit = float64()
  readonly modelProb = float64()
  readonly samplingProb = float64()
  readonly position = float64()
  readonly rank = float64()
  readonly entropyBits = float64()
  readonly tailMass = float64()
  /** 1 for a token marked as thought. */
  readonly thought = new Column((n) => new Uint8Array(n))
  /**
   * For a remote engine's token, which numbers it measured (`encodeReported`) plus `remoteBit`;
   * 0 for a local token.
   */
  readonly reported = new Column((n) => new Uint8Array(n))
  /** Where token i's alternatives end in the `alt…` columns (they start where i - 1's end). */
  readonly altEnd = uint32()
  /**
   * How many of token i's entries in the `alt…` columns are its alternatives; the rest, up to
   * `altEnd`, are its `moreCandidates`.
   */
  readonly altShown = uint32()
  /** Token i's text: `slotTexts[slot.get(i)]`. */
  readonly slot = uint32()
  readonly altId = float64()
  readonly altLogit = float64()
  readonly altModelProb = float64()
  readonly altSamplingProb = float64()
  readonly altSlot = uint32()
  /**
   * Each alternative's `penaltyShift` (NaN: none); made only once a run has one (a repeat
   * penalty's), so other runs pay nothing for it.
   */
  altPenaltyShift: Column | null = null
  /**
   * Each token's `entropyUpperBits` (NaN: its entropy is exact); made only once a run has a
   * bounded one (a large vocabulary's head), so other runs pay nothing for it.
   */
  entropyUpperBits: Column | null = null
  /** Each id's slot, and each slot's id and text: a run's texts all come from one model. */
  private readonly slots = new Map<number, number>()
  readonly slotIds: number[] = []
  readonly slotTexts: string[] = []
  /** The bytes of the ids whose text cannot show them (`TokenText.bytes`). */
  readonly bytesById = new Map<number, number[]>()
  /** Texts that differ from their id's slot (rare: imported or hand-made tokens), by index. */
  tokenTexts: Map<number, string> | null = null
  altTexts: Map<number, string> | null = null

  /** Whether some text differs from the one its id has elsewhere in this run. */
  get hasOddTexts(): boolean {
    return (this.tokenTexts?.size ?? 0) > 0 || (this.altTexts?.size ?? 0) > 0
  }

  static from(tokens: readonly GeneratedToken[]): RunColumns {
    const columns = new RunColumns()
    columns.push(tokens)
    return columns
  }

  /** The slot of the id; the text kept apart if the slot's text is another. */
  private slotOf(
    { id, text, bytes }: TokenText,
    odd: 'tokenTexts' | 'altTexts',
    at: number,
  ): number {
    if (bytes) this.bytesById.set(id, bytes)
    let slot = this.slots.get(id)
    if (slot === undefined) {
      slot = this.slotIds.length
      this.slots.set(id, slot)
      this.slotIds.push(id)
      this.slotTexts.push(text)
    } else if (this.slotTexts[slot] !== text) (this[odd] ??= new Map()).set(at, text)
    return slot
  }

  /** Appends tokens; O(tokens and their alternatives). */
  push(tokens: readonly GeneratedToken[]): void {
    let alternatives = this.altLength
    for (const t of tokens) alternatives += t.alternatives.length + (t.moreCandidates?.length ?? 0)
    const length = this.length + tokens.length
    for (const c of [this.id, this.logit, this.modelProb, this.samplingProb, this.position])
      c.reserve(length)
    for (const c of [this.rank, this.entropyBits, this.tailMass, this.thought, this.altEnd])
      c.reserve(length)
    this.reported.reserve(length)
    this.slot.reserve(length)
    this.altShown.reserve(length)
    for (const c of [this.altId, this.altLogit, this.altModelProb, this.altSamplingProb])
      c.reserve(alternatives)
    this.altSlot.reserve(alternatives)
    if (!this.altPenaltyShift && tokens.some(hasPenaltyShift)) this.altPenaltyShift = nanColumn()
    this.altPenaltyShift?.reserve(alternatives)
    if (!this.entropyUpperBits && tokens.some((t) => t.entropyUpperBits !== undefined))
      this.entropyUpperBits = nanColumn()
    this.entropyUpperBits?.reserve(length)
    let i = this.length
    let a = this.altLength
    for (const t of tokens) {
      this.slot.set(i, this.slotOf(t, 'tokenTexts', i))
      this.id.set(i, t.id)
      this.logit.set(i, t.logit)
      this.modelProb.set(i, t.modelProb)
      this.samplingProb.set(i, t.samplingProb)
      this.position.set(i, t.position)
      this.rank.set(i, t.rank)
      this.entropyBits.set(i, t.entropyBits)
      this.tailMass.set(i, t.tailMass)
      this.entropyUpperBits?.set(i, t.entropyUpperBits ?? NaN)
      this.thought.set(i, t.segment === 'thought' ? 1 : 0)
      this.reported.set(i, t.reported ? encodeReported(t.reported) | remoteBit : 0)
      for (const list of [t.alternatives, t.moreCandidates ?? []]) {
        for (const alt of list) {
          this.altSlot.set(a, this.slotOf(alt, 'altTexts', a))
          this.altId.set(a, alt.id)
          this.altLogit.set(a, alt.logit)
          this.altModelProb.set(a, alt.modelProb)
          this.altSamplingProb.set(a, alt.samplingProb)
          this.altPenaltyShift?.set(a, alt.penaltyShift ?? NaN)
          a++
        }
      }
      this.altShown.set(i, t.alternatives.length)
      this.altEnd.set(i, a)
      i++
    }
    this.length = i
    this.altLength = a
  }

  /** Forgets the tokens from `length` on (undoing an append). */
  truncate(length: number): void {
    if (length >= this.length) return
    this.length = length
    this.altLength = this.altStart(length)
    for (const at of this.tokenTexts?.keys() ?? [])
      if (at >= this.length) this.tokenTexts!.delete(at)
    for (const at of this.altTexts?.keys() ?? [])
      if (at >= this.altLength) this.altTexts!.delete(at)
  }

  /** Where token i's alternatives start. */
  altStart(i: number): number {
    return i === 0 ? 0 : this.altEnd.get(i - 1)
  }

  /** A copy of the first `count` tokens: slices of the columns, the same texts. */
  prefix(count: number): RunColumns {
    const copy = new RunColumns()
    const n = Math.min(count, this.length)
    const alternatives = this.altStart(n)
    for (const key of floatColumns) copy[key].copyFrom(this[key], n)
    copy.altEnd.copyFrom(this.altEnd, n)
    copy.altShown.copyFrom(this.altShown, n)
    copy.slot.copyFrom(this.slot, n)
    copy.thought.copyFrom(this.thought, n)
    copy.reported.copyFrom(this.reported, n)
    for (const key of altFloatColumns) copy[key].copyFrom(this[key], alternatives)
    copy.altSlot.copyFrom(this.altSlot, alternatives)
    if (this.altPenaltyShift) {
      copy.altPenaltyShift = nanColumn()
      copy.altPenaltyShift.copyFrom(this.altPenaltyShift, alternatives)
    }
    if (this.entropyUpperBits) {
      copy.entropyUpperBits = nanColumn()
      copy.entropyUpperBits.copyFrom(this.entropyUpperBits, n)
    }
    copy.length = n
    copy.altLength = alternatives
    for (const [id, slot] of this.slots) copy.slots.set(id, slot)
    for (const id of this.slotIds) copy.slotIds.push(id)
    for (const text of this.slotTexts) copy.slotTexts.push(text)
    for (const [id, bytes] of this.bytesById) copy.bytesById.set(id, bytes)
    for (const [at, text] of this.tokenTexts ?? [])
      if (at < n) (copy.tokenTexts ??= new Map()).set(at, text)
    for (const [at, text] of this.altTexts ?? [])
      if (at < alternatives) (copy.altTexts ??= new Map()).set(at, text)
    return copy
  }

  /** The text of id `id` in this run, if it occurs. */
  textOf(id: number): string | undefined {
    const slot = this.slots.get(id)
    return slot === undefined ? undefined : this.slotTexts[slot]
  }

  text(i: number): string {
    return this.tokenTexts?.get(i) ?? this.slotTexts[this.slot.get(i)] ?? ''
  }

  altText(a: number): string {
    return this.altTexts?.get(a) ?? this.slotTexts[this.altSlot.get(a)] ?? ''
  }

  isThought(i: number): boolean {
    return this.thought.get(i) === 1
  }

  /** `{ bytes }` when the id's text cannot show its bytes, else `{}`. */
  private bytesField(id: number): { bytes?: number[] } {
    const bytes = this.bytesById.get(id)
    return bytes ? { bytes } : {}
  }

  private candidates(from: number, to: number): TokenCandidate[] {
    const list = new Array<TokenCandidate>(Math.max(0, to - from))
    for (let a = from; a < to; a++) {
      const id = this.altId.get(a)
      const candidate: TokenCandidate = {
        id,
        text: this.altText(a),
        ...this.bytesField(id),
        logit: this.altLogit.get(a),
        modelProb: this.altModelProb.get(a),
        samplingProb: this.altSamplingProb.get(a),
      }
      const shift = this.altPenaltyShift?.get(a) ?? NaN
      if (!Number.isNaN(shift)) candidate.penaltyShift = shift
      list[a - from] = candidate
    }
    return list
  }

  /** Token i as the UI holds it. */
  token(i: number): GeneratedToken {
    const start = this.altStart(i)
    const end = this.altEnd.get(i)
    const shownEnd = start + this.altShown.get(i)
    const id = this.id.get(i)
    const token: GeneratedToken = {
      id,
      text: this.text(i),
      ...this.bytesField(id),
      logit: this.logit.get(i),
      modelProb: this.modelProb.get(i),
      samplingProb: this.samplingProb.get(i),
      position: this.position.get(i),
      rank: this.rank.get(i),
      entropyBits: this.entropyBits.get(i),
      alternatives: this.candidates(start, shownEnd),
      tailMass: this.tailMass.get(i),
    }
    if (shownEnd < end) token.moreCandidates = this.candidates(shownEnd, end)
    const upper = this.entropyUpperBits?.get(i) ?? NaN
    if (!Number.isNaN(upper)) token.entropyUpperBits = upper
    if (this.isThought(i)) token.segment = 'thought'
    const reported = this.reported.get(i)
    if (reported !== 0) token.reported = decodeReported(reported, token.alternatives.length)
    return token
  }

  /** Tokens `from` to `to` (exclusive) as objects. */
  tokens(from = 0, to = this.length): GeneratedToken[] {
    const tokens = new Array<GeneratedToken>(Math.max(0, to - from))
    for (let i = from; i < to; i++) tokens[i - from] = this.token(i)
    return tokens
  }

  /** The texts of tokens `from` to `to`, joined. */
  joinedText(from = 0, to = this.length): string {
    let text = ''
    for (let i = from; i < to; i++) text += this.text(i)
    return text
  }

  /**
   * The ids (and their texts) that tokens `from` to `to` and their alternatives use, in the
   * order they first occur in the run; found through the slot columns, with no map.
   */
  vocabulary(from = 0, to = this.length): { ids: number[]; texts: string[] } {
    if (from === 0 && to === this.length)
      return { ids: [...this.slotIds], texts: [...this.slotTexts] }
    const seen = new Uint8Array(this.slotIds.length)
    for (const view of this.slot.views(from, to)) for (const s of view) seen[s] = 1
    for (const view of this.altSlot.views(this.altStart(from), this.altStart(to)))
      for (const s of view) seen[s] = 1
    const ids: number[] = []
    const texts: string[] = []
    for (let s = 0; s < seen.length; s++) {
      if (seen[s] === 0) continue
      ids.push(this.slotIds[s]!)
      texts.push(this.slotTexts[s]!)
    }
    return { ids, texts }
  }

  /** `replyText` (conversation.ts) of these tokens, read from the columns. */
  replyText(reason: RunRecord['stopReason']): string {
    // The reply's opening thought, as `leadingThoughtCount` counts it.
    let thought = 0
    while (thought < this.length && this.isThought(thought)) thought++
    let end = this.length
    if (
      reason === 'end-of-generation' &&
      end > thought &&
      endMarker.test(this.text(end - 1).trim())
    )
      end--
    const text = this.joinedText(thought, end)
    return thought > 0 ? text.trimStart() : text
  }
}

/* A session document whose runs hold their tokens as `T`: the UI's (`GeneratedToken[]`) or the
   host's (`RunColumns`). */
export type RunWith<T> = Omit<RunRecord, 'tokens'> & { tokens: T }
export type NodeWith<T> = Omit<SessionNode, 'run'> & { run: RunWith<T> | null }
export type DocumentWith<T> = Omit<SessionDocument, 'nodes'> & { nodes: NodeWith<T>[] }

/** The host's in-memory session: every run's tokens as columns. */
export type StoredDocument = DocumentWith<RunColumns>
export type StoredRun = RunWith<RunColumns>

/** The document with every run's tokens converted by `convert` (a run shared stays shared). */
export function mapRuns<A, B>(doc: DocumentWith<A>, convert: (tokens: A) => B): DocumentWith<B> {
  const done = new Map<RunWith<A>, RunWith<B>>()
  const run = (r: RunWith<A> | null): RunWith<B> | null => {
    if (!r) return null
    let converted = done.get(r)
    if (!converted) {
      converted = { ...r, tokens: convert(r.tokens) }
      done.set(r, converted)
    }
    return converted
  }
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: run(n.run) })) }
}

/** The host's form of a document. */
export const storedDocument = (doc: SessionDocument): StoredDocument =>
  mapRuns(doc, (tokens) => RunColumns.from(tokens))

/**
 * The UI's form of a stored document, made a slice of tokens at a time with `breathe()` between
 * slices (it pauses when it has worked long enough): a long run is expanded without holding the
 * event loop.
 */
export async function expandDocument(
  doc: StoredDocument,
  breathe: () => Promise<void>,
): Promise<SessionDocument> {
  const expanded = new Map<RunColumns, GeneratedToken[]>()
  for (const run of doc.nodes.map((n) => n.run)) {
    if (!run || expanded.has(run.tokens)) continue
    const tokens: GeneratedToken[] = []
    for (let i = 0; i < run.tokens.length; i += 256) {
      for (const token of run.tokens.tokens(i, Math.min(run.tokens.length, i + 256)))
        tokens.push(token)
      await breathe()
    }
    expanded.set(run.tokens, tokens)
  }
  return mapRuns(doc, (columns) => expanded.get(columns) ?? columns.tokens()) as SessionDocument
}

/** The UI's form of a stored document: every token an object again. */
export const expandedDocument = (doc: StoredDocument): SessionDocument =>
  mapRuns(doc, (columns) => columns.tokens()) as SessionDocument
