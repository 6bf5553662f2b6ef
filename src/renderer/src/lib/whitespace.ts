/** One run of a token's text: either ordinary characters or a visible stand-in for whitespace. */
export interface TextPiece {
  text: string
  /** True when `text` stands for invisible characters (space, newline, tab...). */
  marker: boolean
}

const markers: Record<string, string> = {
  ' ': '·',
  '\n': '↵',
  '\t': '⇥',
  '\r': '␍',
  '\u00a0': '⍽',
}

/** Shown for a token whose text is empty (e.g. a special token or a partial character). */
export const emptyTokenMarker = '∅'

/** Splits a token's text into plain runs and whitespace markers, so a chip can dim the markers. */
export function visibleWhitespace(text: string): TextPiece[] {
  if (text.length === 0) return [{ text: emptyTokenMarker, marker: true }]
  const pieces: TextPiece[] = []
  for (const char of text) {
    const stand = markers[char]
    const marker = stand !== undefined
    const shown = stand ?? char
    const last = pieces[pieces.length - 1]
    if (last && last.marker === marker) last.text += shown
    else pieces.push({ text: shown, marker })
  }
  return pieces
}

/** The token's text with whitespace replaced by visible stand-ins, as one string. */
export function showWhitespace(text: string): string {
  return visibleWhitespace(text)
    .map((piece) => piece.text)
    .join('')
}

/**
 * How many line breaks to draw after a chip whose text holds newlines; capped so a run of blank
 * lines does not push the rest of the text out of view.
 */
export function lineBreaksAfter(text: string, cap = 2): number {
  let count = 0
  for (const char of text) if (char === '\n') count++
  return Math.min(count, cap)
}
