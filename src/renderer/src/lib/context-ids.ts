import type { TokenText } from '../../../shared/contract'
import type { Chunks } from '../stores/token-chunks'

/**
 * The ids of the context before generated token `index`: the prompt, then the tokens before it
 * (each given as chunks; a plain array is one chunk).
 */
export function contextIdsBefore(
  prompt: Chunks<TokenText>,
  tokens: Chunks<TokenText>,
  index: number,
): number[] {
  const ids: number[] = []
  for (const chunk of prompt) for (const t of chunk) ids.push(t.id)
  let left = index
  for (const chunk of tokens) {
    for (const t of chunk) {
      if (left-- <= 0) return ids
      ids.push(t.id)
    }
  }
  return ids
}
