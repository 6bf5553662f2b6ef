import type { GeneratedToken, StopReason, TokenCandidate } from '../../shared/contract'

/**
 * OpenAI's response objects, built from the engine's tokens. Every log-probability is
 * ln(model probability): the softmax of the model's raw logits over the whole vocabulary, before
 * any sampler (the number Tokenscope shows as "model probability"), for the chosen token and for
 * its alternatives alike.
 */

/** What OpenAI sends for a probability too small to have a logarithm in a double. */
const noLogprob = -9999

export function logprobOf(probability: number): number {
  const value = Math.log(probability)
  return Number.isFinite(value) ? value : noLogprob
}

export type FinishReason = 'stop' | 'length'

/** `stoppedBySequence`: the API ended the run at one of the request's stop sequences. */
export function finishReasonOf(reason: StopReason, stoppedBySequence: boolean): FinishReason {
  if (stoppedBySequence) return 'stop'
  return reason === 'max-tokens' || reason === 'context-full' ? 'length' : 'stop'
}

/** The `count` likeliest alternatives (the engine reports them likeliest first). */
function topAlternatives(token: GeneratedToken, count: number): TokenCandidate[] {
  return token.alternatives.slice(0, count)
}

export interface CompletionLogprobs {
  tokens: string[]
  token_logprobs: number[]
  top_logprobs: Record<string, number>[]
  /** Where each token starts in the choice's text. */
  text_offset: number[]
}

/** The legacy completions format; `offset` is where the first token starts in the choice. */
export function completionLogprobs(
  tokens: readonly GeneratedToken[],
  count: number,
  offset: number,
): CompletionLogprobs {
  const shaped: CompletionLogprobs = {
    tokens: [],
    token_logprobs: [],
    top_logprobs: [],
    text_offset: [],
  }
  let at = offset
  for (const token of tokens) {
    shaped.tokens.push(token.text)
    shaped.token_logprobs.push(logprobOf(token.modelProb))
    // Alternatives with the same text (different ids) share a key: the likelier keeps it.
    const top: Record<string, number> = {}
    for (const alternative of topAlternatives(token, count)) {
      if (!(alternative.text in top)) top[alternative.text] = logprobOf(alternative.modelProb)
    }
    shaped.top_logprobs.push(top)
    shaped.text_offset.push(at)
    at += token.text.length
  }
  return shaped
}

export interface ChatTokenLogprob {
  token: string
  logprob: number
  bytes: number[]
  top_logprobs: { token: string; logprob: number; bytes: number[] }[]
}

const bytesOf = (text: string) => [...Buffer.from(text, 'utf8')]

/** The chat format: one entry per token, each with its top alternatives. */
export function chatLogprobs(tokens: readonly GeneratedToken[], count: number): ChatTokenLogprob[] {
  return tokens.map((token) => ({
    token: token.text,
    logprob: logprobOf(token.modelProb),
    bytes: bytesOf(token.text),
    top_logprobs: topAlternatives(token, count).map((alternative) => ({
      token: alternative.text,
      logprob: logprobOf(alternative.modelProb),
      bytes: bytesOf(alternative.text),
    })),
  }))
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export const usageOf = (promptTokens: number, completionTokens: number): Usage => ({
  prompt_tokens: promptTokens,
  completion_tokens: completionTokens,
  total_tokens: promptTokens + completionTokens,
})

/** OpenAI's chat `logprobs`, and (Tokenscope's addition) the reasoning tokens' own. */
export function chatChoiceLogprobs(
  tokens: { contentTokens: readonly GeneratedToken[]; reasoningTokens: readonly GeneratedToken[] },
  count: number,
) {
  return {
    content: chatLogprobs(tokens.contentTokens, count),
    refusal: null,
    ...(tokens.reasoningTokens.length > 0
      ? { reasoning_content: chatLogprobs(tokens.reasoningTokens, count) }
      : {}),
  }
}
