import type { TokenText } from '../../shared/contract'
import { Column } from '../../shared/chunked-column'
import type { RunColumns } from '../../shared/token-columns'
import type { Vocabulary } from './session-token-encoding'

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
