import type { LlamaContextSequence, Token } from 'node-llama-cpp'
import type { GeneratedToken, RunEvent, RunStats, StopReason } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import type { ValidGenerateRequest } from '../../shared/schemas'
import type { ModelSession } from './model-session'
import { buildPrompt } from './prompt-builder'
import { claimHead, headRequestFor, supportsHead } from './probability-head'
import { canRunNatively, runNatively } from './native-steps'
import { boundedHeadSize } from './bounded-head'
import { sampleStep, tokenText, withHiddenBytes } from './step-reader'
import { hookStepSampler } from './step-sampler'
import { tokenBytesFor } from './token-bytes'
import { ThoughtTracker } from './thought-segments'
import { TokenBatcher } from './token-batcher'
import { noteSamplerDropped } from './sampler-garbage'
import { repeatPenaltyPass } from './repeat-penalty-pass'

/**
 * One generation run in a single pass: every step evaluates one token and reads the next-token
 * distribution from the same evaluation (no replay). Emits started → tokens* → ended; throws
 * AppFailure for problems the caller reports as `failed`.
 */
export async function runGeneration(
  session: ModelSession,
  request: ValidGenerateRequest,
  sequence: LlamaContextSequence,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<void> {
  const { model } = session
  const { runId, sampling, topN, maxTokens } = request
  const startedAt = performance.now()
  const contextSize = sequence.contextSize
  // node-llama-cpp keeps one cell of the context free, so this is what a run can fill.
  const capacity = contextSize - 1
  const forced = checkForcedTokens(session, request.forcedTokens)
  const built = await buildPrompt(session, request, capacity, signal)
  const promptTokens = [...built.tokens, ...forced]
  if (promptTokens.length > capacity) {
    throw new AppFailure({
      code: 'prompt-too-long',
      message: `The prompt is ${promptTokens.length} tokens but the context holds ${contextSize}.`,
      hint: 'Shorten the prompt, or load the model with a larger context size.',
    })
  }

  const reused = await reusePrefix(sequence, promptTokens)
  // node-llama-cpp counts tokens that produce logits as output, the rest as input.
  const evaluatedSoFar = () =>
    sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens
  const meterAtStart = evaluatedSoFar()
  const bytesOf = tokenBytesFor(model)
  const describe = (id: Token) => {
    const text = tokenText(model, id)
    return { id, text, ...withHiddenBytes(text, id, bytesOf) }
  }
  emit({
    kind: 'started',
    runId,
    prompt: promptTokens.slice(0, promptTokens.length - forced.length).map(describe),
    forced: forced.map(describe),
    parts: built.parts,
    contextSize,
    sampling,
  })

  const stats: RunStats = {
    promptTokens: promptTokens.length,
    reusedPromptTokens: reused,
    evaluatedTokens: 0,
    generatedTokens: 0,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
  }
  let firstTokenAt = 0
  const contextUsed = () => sequence.nextTokenIndex
  const batcher = new TokenBatcher((tokens) =>
    emit({ kind: 'tokens', runId, tokens, contextUsed: contextUsed(), stats: { ...stats } }),
  )
  const thoughts = new ThoughtTracker(built.thought.markers, built.thought.startsInside)
  // Forced tokens were generated before (a branch point): they decide where the reply stands.
  for (const id of forced) thoughts.next(tokenText(model, id))

  const generated: Token[] = []
  // What the penalties look back over: the whole context, prompt included, as llama.cpp's.
  const context: Token[] = [...promptTokens]
  const stops = stopStringWatch(model, forced, request.stop)
  let input: Token[] = promptTokens.slice(reused)
  let reason: StopReason
  const head = headRequestFor(sampling, topN)
  const releaseHead = claimHead(sequence.context, head)
  // Only a run with a repeat penalty pays for a second sampling of each step.
  const penaltyPass = repeatPenaltyPass(model, sequence, sampling, session.info.vocabSize)
  const vocabulary = session.info.vocabSize
  const fast = supportsHead(sequence.context)
  const bounded = boundedHeadSize(sampling, topN, vocabulary, fast)
  // Installed after the penalty pass, which wraps the read this makes; released before it.
  const reader = hookStepSampler(model, sequence, bounded, vocabulary)
  // One generator, and so one node-llama-cpp sampler, for the whole run; each step feeds it the
  // token we sampled. Its own sampling is replaced by the reader's.
  const steps = sequence.evaluateWithMetadata(
    input,
    {},
    {
      temperature: 0,
      yieldEogToken: true,
      contextShift: { strategy: () => failOnShift() },
    },
  )
  try {
    reason = await generateSteps()
  } finally {
    await steps.return().catch(() => undefined)
    reader.release()
    penaltyPass?.release()
    // The generator's sampler and the reader's: one each per run, not one per token.
    noteSamplerDropped(session.info.vocabSize)
    noteSamplerDropped(session.info.vocabSize)
    // A bounded run's head sampler holds a candidate buffer of the whole vocabulary too.
    if (bounded !== null) noteSamplerDropped(session.info.vocabSize)
    releaseHead()
    // Whatever was generated reaches the client, also before a failure is reported.
    batcher.flush()
  }
  emit({ kind: 'ended', runId, reason, contextUsed: contextUsed(), stats: { ...stats } })

  async function generateSteps(): Promise<StopReason> {
    let feed: Token | undefined
    for (let step = 0; step < maxTokens; step++) {
      if (signal.aborted) return 'cancelled'
      if (sequence.nextTokenIndex + input.length > capacity) return 'context-full'
      penaltyPass?.prepare(context)
      const evaluated = await steps.next(feed as Token)
      if (evaluated.done) throw new Error('llama.cpp returned no result for the last token')
      const pairs = reader.take()
      if (!pairs) throw new Error('llama.cpp returned no probabilities for this step')
      const position = sequence.nextTokenIndex
      const output = { pairs, ...(penaltyPass ? { penalised: penaltyPass.take() } : {}) }
      const token = sampleStep(model, output, sampling, topN, position, step, context)
      const stop = accept(token)
      if (stop) return stop
      feed = token.id as Token
      input = [feed]
      if (step === 0 && maxTokens > 1 && head && canRunNatively(sequence, head, bounded)) {
        // The generator has nothing more to do: the fast binary's loop decodes from here.
        await steps.return()
        return await runNatively({
          sequence,
          feed,
          capacity,
          sampling,
          head,
          signal,
          firstStep: 1,
          maxSteps: maxTokens - 1,
          onStep: (pairs, picked, position, at) =>
            accept(sampleStep(model, { pairs }, sampling, topN, position, at, context, picked)),
        })
      }
    }
    return 'max-tokens'
  }

  /** Records a sampled token; returns why the run stops after it, or null. */
  function accept(token: GeneratedToken): StopReason | null {
    stats.evaluatedTokens = evaluatedSoFar() - meterAtStart
    if (thoughts.next(token.text)) token.segment = 'thought'
    const now = performance.now()
    if (stats.generatedTokens === 0) {
      firstTokenAt = now
      stats.timeToFirstTokenMs = now - startedAt
    }
    stats.generatedTokens++
    if (stats.generatedTokens > 1) {
      stats.tokensPerSecond = ((stats.generatedTokens - 1) * 1000) / (now - firstTokenAt)
    }
    batcher.push(token)
    generated.push(token.id as Token)
    context.push(token.id as Token)
    if (model.isEogToken(token.id as Token) || endsWithAny(generated, built.stopSequences)) {
      return 'end-of-generation'
    }
    if (stops.reached(token.id as Token)) return 'stop-string'
    return null
  }
}

function checkForcedTokens(session: ModelSession, ids: number[]): Token[] {
  const vocabSize = session.info.vocabSize
  const bad = ids.find((id) => vocabSize > 0 && id >= vocabSize)
  if (bad !== undefined) {
    throw new AppFailure({
      code: 'invalid-request',
      message: `Token ${bad} does not exist in this model (its vocabulary has ${vocabSize} tokens).`,
    })
  }
  return ids as Token[]
}

/**
 * Keeps the evaluated prefix the new prompt shares with what the sequence holds, so a re-run
 * only evaluates what changed. At least the last prompt token is evaluated again: its logits
 * give the first generated token.
 */
async function reusePrefix(sequence: LlamaContextSequence, prompt: Token[]): Promise<number> {
  const held = sequence.contextTokens
  let shared = 0
  const limit = Math.min(held.length, prompt.length - 1)
  while (shared < limit && held[shared] === prompt[shared]) shared++
  if (shared < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }])
  }
  return shared
}

function failOnShift(): never {
  // We stop at a full context ourselves; a silent shift would corrupt what we show.
  throw new AppFailure({ code: 'internal', message: 'The context overflowed unexpectedly.' })
}

/**
 * Watches the reply (forced tokens included) for the run's stop strings. A stop string may span
 * tokens and even split a character, so the newest tokens are detokenized together; a match
 * counts only if it ends in the newest token.
 */
function stopStringWatch(model: ModelSession['model'], forced: Token[], stops: string[]) {
  const reply = [...forced]
  // A string of n characters spans at most n tokens, plus one for a character split in two.
  const span = Math.max(0, ...stops.map((stop) => stop.length)) + 1
  return {
    reached(token: Token): boolean {
      reply.push(token)
      if (stops.length === 0) return false
      const before = model.detokenize(reply.slice(-span - 1, -1))
      const after = model.detokenize(reply.slice(-span - 1))
      return stops.some((stop) => {
        const at = after.lastIndexOf(stop)
        return at >= 0 && at + stop.length > before.length
      })
    },
  }
}

function endsWithAny(tokens: Token[], sequences: Token[][]): boolean {
  return sequences.some(
    (sequence) =>
      sequence.length <= tokens.length &&
      sequence.every((token, i) => tokens[tokens.length - sequence.length + i] === token),
  )
}
