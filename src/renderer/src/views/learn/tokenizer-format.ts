import type { TokenText } from '../../../../shared/contract'

/**
 * A token's text with its whitespace made visible: a space as ·, a newline as ↵, a tab as →,
 * other control characters as their code. What the model sees, not what a text editor shows.
 */
export function visibleText(text: string): string {
  if (text === '') return '∅'
  // eslint-disable-next-line no-control-regex -- control characters are what this makes visible
  return text.replace(/[\s\u0000-\u001f\u007f]/g, (char) => {
    if (char === ' ') return '·'
    if (char === '\n') return '↵'
    if (char === '\t') return '→'
    if (char === '\r') return '␍'
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** A token's bytes: the engine's where the text hides them, else the text's UTF-8. */
export function bytesOf(token: TokenText): number[] {
  return token.bytes ?? Array.from(new TextEncoder().encode(token.text))
}

export const hex = (bytes: readonly number[]) =>
  bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')

export interface TokenizerCounts {
  characters: number
  tokens: number
  /** Characters per token; null with no tokens. */
  perToken: number | null
  special: number
}

/** Characters are counted as a person sees them (code points), not as UTF-16 units. */
export function countsOf(text: string, tokens: readonly TokenText[]): TokenizerCounts {
  const characters = [...text].length
  return {
    characters,
    tokens: tokens.length,
    perToken: tokens.length > 0 ? characters / tokens.length : null,
    special: tokens.filter((t) => t.special).length,
  }
}
