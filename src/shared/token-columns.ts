import { Column, float64Column, nanColumn, uint32Column, uint8Column } from './chunked-column'
import type { GeneratedToken, TokenText } from './contract'
import { endMarker, type RunRecord } from './conversation'
import { decodeToken } from './token-columns-decode'
import { appendTokens } from './token-columns-encode'

export const floatColumns = [
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
  readonly id = float64Column()
  readonly logit = float64Column()
  readonly modelProb = float64Column()
  readonly samplingProb = float64Column()
  readonly position = float64Column()
  readonly rank = float64Column()
  readonly entropyBits = float64Column()
  readonly tailMass = float64Column()
  /** 1 for a token marked as thought. */
  readonly thought = uint8Column()
  /**
   * For a remote engine's token, which numbers it measured (`encodeReported`) plus `remoteBit`;
   * 0 for a local token.
   */
  readonly reported = uint8Column()
  /** Where token i's alternatives end in the `alt…` columns (they start where i - 1's end). */
  readonly altEnd = uint32Column()
  /**
   * How many of token i's entries in the `alt…` columns are its alternatives; the rest, up to
   * `altEnd`, are its `moreCandidates`.
   */
  readonly altShown = uint32Column()
  /** Token i's text: `slotTexts[slot.get(i)]`. */
  readonly slot = uint32Column()
  readonly altId = float64Column()
  readonly altLogit = float64Column()
  readonly altModelProb = float64Column()
  readonly altSamplingProb = float64Column()
  readonly altSlot = uint32Column()
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

  /**
   * The slot of the id; the text kept apart if the slot's text is another. Used while appending
   * (token-columns-encode.ts).
   */
  slotOf({ id, text, bytes }: TokenText, odd: 'tokenTexts' | 'altTexts', at: number): number {
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
    appendTokens(this, tokens)
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

  /** Token i as the UI holds it. */
  token(i: number): GeneratedToken {
    return decodeToken(this, i)
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
