/**
 * Maps the text a Markdown view shows back to the tokens that wrote it. Every mdast text-like node
 * knows where it sits in the source; the source is the tokens' texts joined, so each shown
 * character belongs to exactly one token, and each run of characters of one token becomes a span
 * that the inspector can point at.
 */

/** Where each token starts in the joined text, plus the text's length at the end (n + 1 items). */
export function tokenStarts(texts: Iterable<string>): number[] {
  const starts = [0]
  let at = 0
  for (const text of texts) {
    at += text.length
    starts.push(at)
  }
  return starts
}

/** The token that wrote the character at `offset` (empty tokens own nothing). */
export function tokenAt(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 2
  if (hi < 0) return -1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] ?? 0) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** How far a shown character may sit past the last one (escapes, entities, indentation). */
const lookahead = 16

/**
 * The source offset of each character of `value`, a node's text as shown, found in
 * `source[from, to)`. Shown text is the source less markup, so its characters are matched in
 * order; one that is not found nearby (a decoded entity) takes the place of the next.
 */
export function alignValue(source: string, from: number, to: number, value: string): number[] {
  const offsets = new Array<number>(value.length)
  if (source.slice(from, to) === value) {
    for (let k = 0; k < value.length; k++) offsets[k] = from + k
    return offsets
  }
  let p = from
  for (let k = 0; k < value.length; k++) {
    const limit = Math.min(to, p + lookahead)
    let q = p
    while (q < limit && source[q] !== value[k]) q++
    if (q < limit) {
      offsets[k] = q
      p = q + 1
    } else {
      offsets[k] = Math.min(p, Math.max(from, to - 1))
    }
  }
  return offsets
}

/** A run of shown text from one token, contiguous in the source. */
export interface Piece {
  text: string
  /** Token index, counted from the first token of the mapped text. */
  token: number
  /** Source offset of the first character. */
  src: number
  /** Highlighter classes, in code blocks. */
  className?: string
}

/** Cuts `value` wherever the token changes or the source skips (markup between). */
export function tokenPieces(
  value: string,
  offsets: readonly number[],
  starts: readonly number[],
): Piece[] {
  const pieces: Piece[] = []
  let current: Piece | null = null
  let last = -2
  for (let k = 0; k < value.length; k++) {
    const src = offsets[k] ?? 0
    const token = tokenAt(starts, src)
    if (current && current.token === token && src === last + 1) current.text += value[k]
    else {
      current = { text: value[k] ?? '', token, src }
      pieces.push(current)
    }
    last = src
  }
  return pieces
}

/** A run of highlighted code: its text and the highlighter's classes ('' for plain). */
export interface Segment {
  text: string
  className: string
}

/** Pieces cut again where the highlighter's segments end, each carrying its segment's classes. */
export function withSegments(pieces: readonly Piece[], segments: readonly Segment[]): Piece[] {
  const out: Piece[] = []
  let s = 0
  let left = segments[0]?.text.length ?? Infinity
  for (const piece of pieces) {
    let at = 0
    while (at < piece.text.length) {
      while (left === 0 && s < segments.length - 1) left = segments[++s]?.text.length ?? Infinity
      const take = Math.min(piece.text.length - at, left)
      const className = segments[s]?.className ?? ''
      out.push({
        text: piece.text.slice(at, at + take),
        token: piece.token,
        src: piece.src + at,
        ...(className ? { className } : {}),
      })
      at += take
      left -= take
    }
  }
  return out
}

/** What a selection from (start piece, offset) to (end piece, offset) holds of the source. */
export function sourceSlice(
  source: string,
  start: { src: number; offset: number },
  end: { src: number; offset: number },
): string {
  const from = Math.max(0, Math.min(source.length, start.src + start.offset))
  const to = Math.max(from, Math.min(source.length, end.src + end.offset))
  return source.slice(from, to)
}
