import type { GeneratedToken } from './contract'

/** Marker tokens such as `<think>`, `</think>` or `[/THINK]`: shown as chips, not as prose. */
const markerToken = /^(<\/?[\w|]+>|\[\/?\w+\])$/

/** Whether a thought token is one of its markers rather than part of its prose. */
export const isThoughtMarker = (text: string) => markerToken.test(text.trim())

/**
 * A chat reply split into its reasoning ("thinking") and its answer. Reasoning models think
 * first, so the thought is the run of thought tokens the reply opens with.
 */
export function splitReply<T extends Pick<GeneratedToken, 'text' | 'segment'>>(
  tokens: readonly T[],
): { thought: readonly T[]; answer: readonly T[] } {
  const end = leadingThoughtCount(tokens)
  return { thought: tokens.slice(0, end), answer: tokens.slice(end) }
}

/** How many tokens the reply's opening thought holds; reads no further than its end. */
export function leadingThoughtCount(tokens: Iterable<Pick<GeneratedToken, 'segment'>>): number {
  let count = 0
  for (const token of tokens) {
    if (token.segment !== 'thought') break
    count++
  }
  return count
}

/** The reasoning as prose: its tokens without the markers that open and close it. */
export function thoughtProse(thought: readonly Pick<GeneratedToken, 'text'>[]): string {
  return thought
    .filter((token) => !isThoughtMarker(token.text))
    .map((token) => token.text)
    .join('')
    .trim()
}
