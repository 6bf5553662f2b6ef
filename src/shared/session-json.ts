/**
 * JSON text of a large document, made a little at a time so that the thread that makes it is
 * never held for long: a 2,000-token run with 20 alternatives per token is about 5 MB of JSON,
 * and `JSON.stringify` of it in one go is a 40 ms freeze of the page.
 *
 * The text is the same, character for character, as `JSON.stringify(value)` gives: the walk goes
 * down into arrays and objects until what is left is small (a token with its alternatives, say),
 * which `JSON.stringify` writes in one call. The value must not change while it is being written
 * (the app's documents are immutable store states, so a later edit makes a new one).
 */

export interface JsonSliceOptions {
  /** Longest stretch of work, in milliseconds, before the thread is given back. */
  sliceMs?: number
  /** Length of the pieces handed to the sink, in UTF-16 code units (the last one may be shorter). */
  pieceChars?: number
  /** How the thread is given back; by default `scheduler.yield()`, or a message to oneself. */
  yieldToLoop?: () => Promise<void>
  /** The clock the slices are timed with, in milliseconds. */
  now?: () => number
}

/** Receives the text in order; `last` is true exactly once, on the final piece (maybe empty). */
export type JsonPieceSink = (piece: string, last: boolean) => void | Promise<void>

export const defaultSliceMs = 4
export const defaultPieceChars = 256 * 1024

/** Arrays up to this length of flat values are written in one `JSON.stringify` call. */
const smallArrayLength = 64
/** About how long a run of small array items written in one call is, in characters. */
const batchChars = 32 * 1024

type Container = Record<string, unknown> | unknown[]

/** Writes `value` as JSON, in pieces, giving the thread back every `sliceMs` milliseconds. */
export async function writeJsonInSlices(
  value: unknown,
  sink: JsonPieceSink,
  options: JsonSliceOptions = {},
): Promise<void> {
  const sliceMs = options.sliceMs ?? defaultSliceMs
  const pieceChars = options.pieceChars ?? defaultPieceChars
  const yieldToLoop = options.yieldToLoop ?? defaultYield()
  const now = options.now ?? (() => performance.now())
  const pieces = new PieceCutter(pieceChars)
  let sliceStart = now()
  for (const part of jsonParts(value)) {
    for (const piece of pieces.add(part)) {
      // Sending a piece (escaping it into a message, copying it out) starts a slice of its own.
      await yieldToLoop()
      sliceStart = now()
      await sink(piece, false)
    }
    if (now() - sliceStart >= sliceMs) {
      await yieldToLoop()
      sliceStart = now()
    }
  }
  await yieldToLoop()
  await sink(pieces.rest(), true)
}

/** The whole text, made in slices: `JSON.stringify(value)` without the long task. */
export async function jsonInSlices(
  value: unknown,
  options: Omit<JsonSliceOptions, 'pieceChars'> = {},
): Promise<string> {
  const pieces: string[] = []
  await writeJsonInSlices(value, (piece) => void pieces.push(piece), options)
  return pieces.join('')
}

/** Cuts `text` into pieces of at most `pieceChars` code units, never inside a surrogate pair. */
export function cutIntoPieces(text: string, pieceChars = defaultPieceChars): string[] {
  const cutter = new PieceCutter(pieceChars)
  return [...cutter.add(text), cutter.rest()].filter((piece, i, all) => piece || all.length === 1)
}

/** Collects parts of text and hands out pieces of exactly `size` code units (bar a surrogate). */
class PieceCutter {
  private parts: string[] = []
  private length = 0
  constructor(private readonly size: number) {
    if (!(size >= 2)) throw new RangeError('pieces must hold at least 2 characters')
  }

  *add(part: string): Generator<string> {
    this.parts.push(part)
    this.length += part.length
    if (this.length < this.size) return
    let text = this.parts.join('')
    while (text.length >= this.size) {
      let cut = this.size
      // A pair split in two would be two lone surrogates in two messages; keep it whole.
      if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--
      yield text.slice(0, cut)
      text = text.slice(cut)
    }
    this.parts = text ? [text] : []
    this.length = text.length
  }

  rest(): string {
    const text = this.parts.join('')
    this.parts = []
    this.length = 0
    return text
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** The JSON text of `value` as a series of parts that join to `JSON.stringify(value)`. */
export function* jsonParts(value: unknown): Generator<string, void, undefined> {
  const prepared = toJsonValue(value, '')
  // `JSON.stringify(undefined)` is undefined: there is nothing to write.
  if (!omitted(prepared)) yield* partsOf(prepared, [])
}

function* partsOf(value: unknown, ancestors: object[]): Generator<string, void, undefined> {
  if (value === null || typeof value !== 'object' || isSmall(value as Container)) {
    yield JSON.stringify(value)
    return
  }
  if (ancestors.includes(value)) throw new TypeError('Converting circular structure to JSON')
  const inside = [...ancestors, value]
  if (Array.isArray(value)) {
    yield '['
    let batch = 8
    for (let i = 0; i < value.length;) {
      if (i > 0) yield ','
      if (!fitsInBatch(value[i])) {
        const item = toJsonValue(value[i], String(i))
        if (omitted(item)) yield 'null'
        else yield* partsOf(item, inside)
        i++
        continue
      }
      // A run of small items (tokens, say) in one call: `[a,b,c]` less its brackets.
      let end = i + 1
      while (end < value.length && end - i < batch && fitsInBatch(value[end])) end++
      const text = JSON.stringify(value.slice(i, end))
      yield text.slice(1, -1)
      // Aim at batches of about `batchChars` characters: a fraction of a millisecond each.
      batch = Math.max(1, Math.min(1024, Math.round(((end - i) * batchChars) / text.length)))
      i = end
    }
    yield ']'
    return
  }
  let first = true
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const item = toJsonValue(record[key], key)
    if (omitted(item)) continue
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`
    first = false
    yield* partsOf(item, inside)
  }
  yield first ? '{}' : '}'
}

/**
 * Whether an array item can be written together with its neighbours: `JSON.stringify` of a slice
 * of the array writes it as it would in place, unless it has a `toJSON`, which would be told
 * another index.
 */
function fitsInBatch(item: unknown): boolean {
  if (isPrimitive(item)) return true
  if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return false
  return isSmall(item as Container)
}

/** What `JSON.stringify` leaves out of objects (and writes as null in arrays). */
const omitted = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol'

function toJsonValue(value: unknown, key: string): unknown {
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return (toJSON as (key: string) => unknown).call(value, key)
  }
  // Boxed primitives (new String('x')) are written by `JSON.stringify` itself in isSmall.
  return value
}

const isPrimitive = (value: unknown) => value === null || typeof value !== 'object'

/** An object whose values are all primitives: its text is short unless a string is long. */
function isFlat(value: unknown): boolean {
  if (isPrimitive(value)) return true
  if (Array.isArray(value)) return false
  for (const key in value as Record<string, unknown>) {
    if (!isPrimitive((value as Record<string, unknown>)[key])) return false
  }
  return true
}

const isSmallArray = (value: unknown) =>
  Array.isArray(value) && value.length <= smallArrayLength && value.every(isFlat)

/** Small enough to write in one call: a flat object, or one whose arrays are short and flat. */
function isSmall(value: Container): boolean {
  if (Array.isArray(value)) return isSmallArray(value)
  for (const key in value) {
    const item = value[key]
    if (!isPrimitive(item) && !isSmallArray(item)) return false
  }
  return true
}

let sharedYield: (() => Promise<void>) | null = null

/** Gives the thread back for one turn of the event loop (the rest runs as a new task). */
export function defaultYield(): () => Promise<void> {
  if (sharedYield) return sharedYield
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler
  const schedulerYield = scheduler?.yield
  if (typeof schedulerYield === 'function') {
    sharedYield = () => schedulerYield.call(scheduler)
    return sharedYield
  }
  if (typeof MessageChannel === 'function') {
    // A message to oneself is a new task, without the 4 ms clamp that nested timers get.
    const channel = new MessageChannel()
    const waiting: (() => void)[] = []
    // Typed by hand: this file is compiled against both the DOM's and Node's MessagePort.
    const port = channel.port1 as unknown as {
      onmessage: (() => void) | null
      unref?: () => void
    }
    port.onmessage = () => waiting.shift()?.()
    port.unref?.()
    sharedYield = () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve)
        channel.port2.postMessage(null)
      })
    return sharedYield
  }
  sharedYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
  return sharedYield
}
