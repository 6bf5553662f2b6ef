import type { GeneratedToken, TokenCandidate } from '../../../../shared/contract'
import { startRun } from '../../services/actions'
import { completionSessionStore } from '../../sessions/stores'
import { drafts } from '../../stores/drafts'
import { viewStore } from '../../stores/view'

/**
 * The text before scored token `index`: what is left of `text` once the scored tokens from
 * `index` on are taken off its end (their texts are the text's own, as the tokenizer split it).
 */
export function textBefore(text: string, tokens: readonly GeneratedToken[], index: number): string {
  const rest = tokens
    .slice(index)
    .map((t) => t.text)
    .join('')
  return text.slice(0, Math.max(0, text.length - rest.length))
}

/** Continues the text in Completion from token `index`, with `candidate` in its place. */
export function branchFromScore(
  text: string,
  tokens: readonly GeneratedToken[],
  index: number,
  candidate: TokenCandidate,
): void {
  const prompt = textBefore(text, tokens, index) + candidate.text
  drafts.completion = { text: prompt, restored: completionSessionStore.getState().restored }
  viewStore.dispatch('completion')
  startRun(prompt)
}
