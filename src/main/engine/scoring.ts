import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, RunEvent, RunStats, StopReason } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import { defaultSampling, neutralSampling, type ValidScoreRequest } from '../../shared/schemas'
import type { ModelSession } from './model-session'
import { buildPrompt } from './prompt-builder'
import { tokenText, withHiddenBytes } from './step-reader'
import { tokenBytesFor, type TokenBytes } from './token-bytes'
import { TokenBatcher } from './token-batcher'
import { noteSamplerDropped } from './sampler-garbage'

/** Tokens evaluated per call: small enough that Stop answers between calls. */
const chunk = 16

/** What to ask llama.cpp for after each token: the model's own distribution (greedy leaves it raw). */
const distributionRequest = { probabilities: true, options: { temperature: 0 } } as const

/**
 * Teacher forcing: every token of a text is read with the distribution the model gave it after
 * the tokens before it, from one pass over the text (no sampling). The first token (BOS, where the
 * model adds one) has nothing before it and is the "prompt"; each later token is reported like a
 * generated one, its model probability, rank, entropy and alternatives, as `tokens` events.
 */
export async function runScoring(
  session: ModelSession,
  request: ValidScoreRequest,
  sequence: LlamaContextSequence,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<void> {
  const { model } = session
  const { runId, topN } = request
  const startedAt = performance.now()
  const capacity = sequence.contextSize - 1
  const built = await buildPrompt(
    session,
    { prompt: request.text, forcedTokens: [], stop: [] } as never,
    capacity,
    signal,
  )
  const all = built.tokens
  if (all.length < 2) {
    throw new AppFailure({
      code: 'invalid-request',
      message: 'The text is one token long: there is nothing after it to score.',
    })
  }
  const text = all.slice(0, capacity)
  const bytesOf = tokenBytesFor(model)
  const describe = (id: Token) => {
    const t = tokenText(model, id)
    return { id, text: t, ...withHiddenBytes(t, id, bytesOf) }
  }
  await sequence.clearHistory()
  // Nothing is sampled: the neutral chain, under which sampling probability is model probability.
  const sampling = { ...neutralSampling, seed: defaultSampling.seed }
  emit({
    kind: 'started',
    runId,
    prompt: [describe(text[0]!)],
    forced: [],
    parts: { system: 0, history: 1, droppedMessages: 0, template: null },
    contextSize: sequence.contextSize,
    sampling,
  })
  const stats: RunStats = {
    promptTokens: 1,
    reusedPromptTokens: 0,
    evaluatedTokens: 0,
    generatedTokens: 0,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
  }
  const contextUsed = () => sequence.nextTokenIndex
  const batcher = new TokenBatcher((tokens) =>
    emit({ kind: 'tokens', runId, tokens, contextUsed: contextUsed(), stats: { ...stats } }),
  )
  let reason: StopReason = all.length > capacity ? 'context-full' : 'end-of-generation'
  try {
    // Token i's distribution comes from evaluating token i − 1; the last token needs none.
    for (let from = 0; from < text.length - 1; from += chunk) {
      if (signal.aborted) {
        reason = 'cancelled'
        break
      }
      const to = Math.min(text.length - 1, from + chunk)
      const items = text
        .slice(from, to)
        .map((id) => [id, { generateNext: distributionRequest }] as const)
      const results = await sequence.controlledEvaluate(items as never)
      noteSamplerDropped(session.info.vocabSize)
      for (let k = 0; k < to - from; k++) {
        const probabilities = (results[k] as { next?: { probabilities?: Map<Token, number> } })
          ?.next?.probabilities
        if (!probabilities) throw new Error('llama.cpp returned no probabilities for a token')
        const position = from + k + 1
        batcher.push(scoredToken(model, bytesOf, probabilities, text[position]!, position, topN))
      }
      stats.evaluatedTokens = to
      stats.generatedTokens = to
      const elapsed = performance.now() - startedAt
      stats.timeToFirstTokenMs ??= elapsed
      stats.tokensPerSecond = elapsed > 0 ? (to * 1000) / elapsed : null
    }
  } finally {
    batcher.flush()
  }
  emit({ kind: 'ended', runId, reason, contextUsed: contextUsed(), stats: { ...stats } })
}

/**
 * The token `id` as the distribution `probabilities` (every token's model probability, as
 * llama.cpp returns them: highest first) saw it. Nothing was sampled: its sampling probability is
 * its model probability.
 */
export function scoredToken(
  model: LlamaModel,
  bytesOf: TokenBytes,
  probabilities: Map<Token, number>,
  id: Token,
  position: number,
  topN: number,
): GeneratedToken {
  let total = 0
  probabilities.forEach((p) => (total += p))
  const top: { id: Token; p: number }[] = []
  let bits = 0
  let own = 0
  let above = 0
  probabilities.forEach((raw, candidate) => {
    const p = raw / total
    if (p > 0) bits -= p * Math.log2(p)
    if (top.length < topN) top.push({ id: candidate, p })
    if (candidate === id) own = p
  })
  // Rank by probability, ties counted in the model's favour (as llama.cpp orders them).
  probabilities.forEach((raw) => {
    if (raw / total > own) above++
  })
  top.sort((a, b) => b.p - a.p)
  const candidate = (tokenId: Token, p: number) => {
    const t = tokenText(model, tokenId)
    return {
      id: tokenId,
      text: t,
      ...withHiddenBytes(t, tokenId, bytesOf),
      logit: Math.log(p),
      modelProb: p,
      samplingProb: p,
    }
  }
  const alternatives = top.map((c) => candidate(c.id, c.p))
  return {
    ...candidate(id, own),
    position,
    rank: above + 1,
    entropyBits: bits,
    alternatives,
    tailMass: Math.max(0, 1 - alternatives.reduce((sum, a) => sum + a.modelProb, 0)),
  }
}
