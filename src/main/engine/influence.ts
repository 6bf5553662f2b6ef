import type { LlamaContextSequence, Token } from 'node-llama-cpp'
import type { InfluenceCost, InfluenceItem, RunEvent, StopReason } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import type { ValidInfluenceRequest } from '../../shared/schemas'
import type { ModelSession } from './model-session'
import { buildPrompt } from './prompt-builder'
import { tokenText, withHiddenBytes } from './step-reader'
import { tokenBytesFor } from './token-bytes'
import { noteSamplerDropped } from './sampler-garbage'

/** Tokens evaluated per call: small enough that Stop answers between calls. */
const chunk = 64

/** The model's own distribution after the last token (greedy leaves it raw). */
const distributionRequest = { probabilities: true, options: { temperature: 0 } } as const

/** ln of the smallest float32 above zero: a probability llama.cpp rounded to 0 is below it. */
const floorLogProb = Math.log(1.4e-45)

/**
 * Token influence by occlusion. The selected token's log-probability is read once with the
 * whole text before it (the baseline), then once for each of the `window` tokens before it with
 * that token removed. Removing token j changes nothing before j, so each input keeps the cached
 * prefix it shares with the one evaluated before it and only the rest is evaluated: going from
 * the nearest token backwards, removing j after j + 1 re-reads the tokens from j on.
 */
export async function runInfluence(
  session: ModelSession,
  request: ValidInfluenceRequest,
  sequence: LlamaContextSequence,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<void> {
  const { model } = session
  const { runId, position, window } = request
  const capacity = sequence.contextSize - 1
  const built = await buildPrompt(
    session,
    { prompt: request.text, forcedTokens: [], stop: [] } as never,
    capacity,
    signal,
  )
  const all = built.tokens.slice(0, capacity)
  if (position >= all.length) {
    throw new AppFailure({
      code: 'invalid-request',
      message: `The text has ${all.length} tokens: there is no token at position ${position}.`,
      hint: 'Score the text again and pick one of its tokens.',
    })
  }
  if (position < 2) {
    throw new AppFailure({
      code: 'invalid-request',
      message: 'Only one token comes before this one: without it there is nothing to read.',
      hint: 'Pick a later token.',
    })
  }
  const target = all[position]!
  const before = all.slice(0, position)
  const first = Math.max(0, position - window)
  const total = position - first
  const bytesOf = tokenBytesFor(model)
  const describe = (id: Token) => {
    const t = tokenText(model, id)
    return { id, text: t, ...withHiddenBytes(t, id, bytesOf) }
  }
  const cost: InfluenceCost = { evaluations: 0, evaluatedTokens: 0, withoutReuse: 0 }
  const logProbAfter = async (input: Token[]) => {
    const { probabilities, evaluated } = await evaluateLast(sequence, input, signal)
    noteSamplerDropped(session.info.vocabSize)
    let sum = 0
    probabilities.forEach((p) => (sum += p))
    const p = (probabilities.get(target) ?? 0) / sum
    cost.evaluations++
    cost.evaluatedTokens += evaluated
    cost.withoutReuse += input.length
    return p > 0 ? Math.log(p) : floorLogProb
  }
  let reason: StopReason = 'end-of-generation'
  try {
    const baseline = await logProbAfter(before)
    emit({
      kind: 'influence',
      runId,
      context: [...before, target].map(describe),
      baseline,
      total,
      items: [],
      cost: { ...cost },
    })
    for (let removed = position - 1; removed >= first; removed--) {
      const input = [...before.slice(0, removed), ...before.slice(removed + 1)]
      const logProb = await logProbAfter(input)
      const item: InfluenceItem = { position: removed, logProb, change: logProb - baseline }
      emit({ kind: 'influence', runId, total, items: [item], cost: { ...cost } })
    }
  } catch (error) {
    if (!(error instanceof Cancelled)) throw error
    reason = 'cancelled'
  }
  emit({
    kind: 'ended',
    runId,
    reason,
    contextUsed: sequence.nextTokenIndex,
    stats: {
      promptTokens: position,
      reusedPromptTokens: 0,
      evaluatedTokens: cost.evaluatedTokens,
      generatedTokens: 0,
      timeToFirstTokenMs: null,
      tokensPerSecond: null,
    },
  })
}

class Cancelled extends Error {}

/**
 * The distribution after `input`'s last token. Keeps what the sequence already holds of `input`
 * (all but its last token at most, whose logits are needed) and evaluates the rest.
 */
async function evaluateLast(
  sequence: LlamaContextSequence,
  input: Token[],
  signal: AbortSignal,
): Promise<{ probabilities: Map<Token, number>; evaluated: number }> {
  const held = sequence.contextTokens
  let shared = 0
  const limit = Math.min(held.length, input.length - 1)
  while (shared < limit && held[shared] === input[shared]) shared++
  if (shared < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }])
  }
  for (let from = shared; from < input.length; from += chunk) {
    if (signal.aborted) throw new Cancelled()
    const to = Math.min(input.length, from + chunk)
    const last = to === input.length
    const items = input
      .slice(from, to)
      .map((id, k) =>
        last && from + k === to - 1 ? [id, { generateNext: distributionRequest }] : id,
      )
    const results = await sequence.controlledEvaluate(items as never)
    if (!last) continue
    const probabilities = (
      results[results.length - 1] as { next?: { probabilities?: Map<Token, number> } }
    )?.next?.probabilities
    if (!probabilities) throw new Error('llama.cpp returned no probabilities for a token')
    return { probabilities, evaluated: input.length - shared }
  }
  throw new Error('nothing to evaluate')
}
