import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, RunEvent, RunStats, StopReason } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import { defaultSampling, neutralSampling, type ValidScoreRequest } from '../../shared/schemas'
import { hookDistributionReader } from './distribution-reader'
import type { ModelSession } from './model-session'
import { buildPrompt } from './prompt-builder'
import { tokenText, withHiddenBytes } from './step-reader'
import type { StepPairs } from './step-sampler'
import { tokenBytesFor, type TokenBytes } from './token-bytes'
import { TokenBatcher } from './token-batcher'
import { noteSamplerDropped } from './sampler-garbage'

/** Tokens evaluated per call: small enough that Stop answers between calls. */
const chunk = 16

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
  const reader = hookDistributionReader(model, sequence)
  try {
    // Token i's distribution comes from evaluating token i − 1; the last token needs none.
    for (let from = 0; from < text.length - 1; from += chunk) {
      if (signal.aborted) {
        reason = 'cancelled'
        break
      }
      const to = Math.min(text.length - 1, from + chunk)
      const distributions = await reader.read(text.slice(from, to))
      noteSamplerDropped(session.info.vocabSize)
      distributions.forEach((pairs, k) => {
        const position = from + k + 1
        batcher.push(scoredToken(model, bytesOf, pairs, text[position]!, position, topN))
      })
      stats.evaluatedTokens = to
      stats.generatedTokens = to
      const elapsed = performance.now() - startedAt
      stats.timeToFirstTokenMs ??= elapsed
      stats.tokensPerSecond = elapsed > 0 ? (to * 1000) / elapsed : null
    }
  } finally {
    reader.release()
    // The reader's own sampler holds a candidate buffer of the whole vocabulary too.
    noteSamplerDropped(session.info.vocabSize)
    batcher.flush()
  }
  emit({ kind: 'ended', runId, reason, contextUsed: contextUsed(), stats: { ...stats } })
}

/**
 * The token `id` as the distribution `pairs` (every token's model probability as the addon
 * returns them, [id, p, id, p, …], highest first) saw it. Nothing was sampled: its sampling
 * probability is its model probability.
 */
export function scoredToken(
  model: LlamaModel,
  bytesOf: TokenBytes,
  pairs: StepPairs,
  id: Token,
  position: number,
  topN: number,
): GeneratedToken {
  const size = pairs.length >> 1
  let ownRaw = 0
  for (let i = 0; i < size; i++) {
    if (pairs[2 * i] === id) {
      ownRaw = pairs[2 * i + 1] ?? 0
      break
    }
  }
  // The total, Σ r·ln r for the entropy (H = ln T − Σ r·ln r ⁄ T, in bits below) and the rank,
  // in one pass over the vocabulary (152k entries on a large model).
  let total = 0
  let rLnR = 0
  let above = 0
  for (let i = 0; i < size; i++) {
    const raw = pairs[2 * i + 1] ?? 0
    total += raw
    if (raw > 0) rLnR += raw * Math.log(raw)
    // Ties are counted in the model's favour (as llama.cpp orders them).
    if (raw > ownRaw) above++
  }
  const bits = total > 0 ? Math.max(0, (Math.log(total) - rLnR / total) / Math.LN2) : 0
  const own = total > 0 ? ownRaw / total : 0
  // Highest first: the top are the first entries.
  const top: { id: Token; p: number }[] = []
  for (let i = 0; i < Math.min(topN, size); i++) {
    top.push({ id: (pairs[2 * i] ?? 0) as Token, p: (pairs[2 * i + 1] ?? 0) / total })
  }
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
