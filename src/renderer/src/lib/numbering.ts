import { formatCount } from './format'

/**
 * One numbering for generated tokens, shared by the Tokens header, the context gauge, the branch
 * bar and the inspector, so that they can never disagree:
 *
 * - **Prompt** is the prompt's tokens as the model reads them (a BOS token included).
 * - **Generated** is every token of the shown text after the prompt. A branch's kept part and
 *   its forced alternative count here, not as prompt: the engine is handed them again, but they
 *   were generated.
 * - A generated token is "token k of N" (k from 1, within the generated text) and sits at
 *   "context position prompt + k" (from 1; the engine's `position` counts from 0).
 * - **Context used** is prompt + generated. The engine's own count lags one behind while a run
 *   goes on: the newest token is only read when the next one is computed.
 */
export interface TokenCounts {
  prompt: number
  generated: number
}

export interface ContextUsage extends TokenCounts {
  used: number
  size: number
}

export const tokenNumber = (index: number): number => index + 1

/** Where a token sits in the context, counting from 1 like `tokenNumber`. */
export const contextPosition = (token: { position: number }): number => token.position + 1

export function tokenOfLabel(index: number, count?: number): string {
  const of = count === undefined ? '' : ` of ${formatCount(count)}`
  return `Token ${formatCount(tokenNumber(index))}${of}`
}

/** A remote engine's token: the server tokenized the prompt, so its position is not known. */
export const positionReported = (token: { reported?: unknown }): boolean =>
  token.reported === undefined

export function contextPositionLabel(token: { position: number; reported?: unknown }): string {
  return positionReported(token)
    ? `context position ${formatCount(contextPosition(token))}`
    : 'context position not reported'
}

/** `prompt: null` where the prompt's tokens are not known (a remote engine's run). */
export function countsLabel(counts: { prompt: number | null; generated: number }): string {
  const prompt =
    counts.prompt === null ? 'prompt not reported' : `${formatCount(counts.prompt)} prompt`
  return `${prompt} · ${formatCount(counts.generated)} generated`
}

/** The gauge's split of a context of `size` tokens (0: not known yet). */
export function contextUsage(counts: TokenCounts, size: number): ContextUsage {
  const used = counts.prompt + counts.generated
  const capped = size > 0 ? Math.min(used, size) : used
  const prompt = Math.min(counts.prompt, capped)
  return { used: capped, size, prompt, generated: capped - prompt }
}
