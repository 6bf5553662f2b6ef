import type { GeneratedToken, ModelInfo, TokenCandidate } from '../../../shared/contract'
import type { SamplingSettings } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import { splitReply } from '../../../shared/thoughts'
import { isActive, type RunState } from '../stores/run-reducer'
import { toChunks, type Chunks } from '../stores/token-chunks'
import { newSession, titleFrom, type RunRecord } from './conversation'

const unit = (p: number) => Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0))
const inUnit = (p: number) => p >= 0 && p <= 1

function candidate<T extends TokenCandidate>(c: T): T {
  return { ...c, modelProb: unit(c.modelProb), samplingProb: unit(c.samplingProb) }
}

const storableCandidate = (c: TokenCandidate) => inUnit(c.modelProb) && inUnit(c.samplingProb)

/**
 * Rounding can put a probability a hair outside [0, 1]; the saved file must pass the schema.
 * A token that needs no clamping (nearly all) is kept as it is, not copied: a long run's tokens
 * and their alternatives are then held once in memory, not once more per saved document.
 */
export function storableToken(token: GeneratedToken): GeneratedToken {
  if (
    storableCandidate(token) &&
    token.entropyBits >= 0 &&
    inUnit(token.tailMass) &&
    token.alternatives.every(storableCandidate)
  )
    return token
  return {
    ...candidate(token),
    entropyBits: Math.max(0, token.entropyBits),
    tailMass: unit(token.tailMass),
    alternatives: token.alternatives.map(candidate),
  }
}

/** A finished (or stopped, or failed) run as the session file keeps it. */
export function runRecordFrom(run: RunState, fallbackSampling: SamplingSettings): RunRecord {
  return {
    prompt: run.prompt.flat(),
    tokens: run.tokens.flat().map(storableToken),
    stopReason:
      run.phase === 'failed'
        ? 'failed'
        : (run.stopReason ?? (isActive(run) ? 'cancelled' : 'failed')),
    sampling: run.sampling ?? fallbackSampling,
    tokensPerSecond: run.stats?.tokensPerSecond ?? null,
    timeToFirstTokenMs: run.stats?.timeToFirstTokenMs ?? null,
  }
}

/** Marks like `<|im_end|>` or `</s>` that end a turn: shown as chips, not part of the reply. */
const endMarker = /^(<\|[^|]*\|>|<\/s>|<eos>|<end_of_turn>)$/

/**
 * The reply's text as the next turn's history holds it: its answer, without the reasoning before
 * it (as reasoning models' templates drop it) and without the end-of-turn token that closed it.
 */
export function replyText(tokens: readonly GeneratedToken[], reason: RunRecord['stopReason']) {
  const { thought, answer } = splitReply(tokens)
  const last = answer[answer.length - 1]
  const kept =
    reason === 'end-of-generation' && last && endMarker.test(last.text.trim())
      ? answer.slice(0, -1)
      : answer
  const text = kept.map((t) => t.text).join('')
  return thought.length > 0 ? text.trimStart() : text
}

export function modelRef(model: ModelInfo | null | undefined): SessionDocument['model'] {
  return model ? { name: model.name, fileName: model.fileName, sha256: model.sha256 } : null
}

/** A Completion run as a session of its own: the prompt, and the continuation with its tokens. */
export function completionSession(init: {
  id: string
  promptId: string
  completionId: string
  run: RunState
  model: SessionDocument['model']
  topN: number
  now: string
}): SessionDocument {
  const { run, now } = init
  const sampling = run.sampling ?? {
    temperature: 0.8,
    topK: 40,
    topP: 0.95,
    minP: 0.05,
    seed: 0,
  }
  const record = runRecordFrom(run, sampling)
  const prompt: SessionNode = {
    id: init.promptId,
    parentId: null,
    role: 'prompt',
    text: run.promptText,
    run: null,
    createdAt: now,
  }
  const completion: SessionNode = {
    id: init.completionId,
    parentId: prompt.id,
    role: 'completion',
    text: record.tokens.map((t) => t.text).join(''),
    run: record,
    createdAt: now,
  }
  const base = newSession({
    id: init.id,
    kind: 'completion',
    model: init.model,
    settings: { sampling, maxTokens: Math.max(1, run.maxTokens), topN: init.topN },
    now,
  })
  return {
    ...base,
    title: titleFrom(run.promptText) || 'Completion',
    nodes: [prompt, completion],
    currentLeafId: completion.id,
  }
}

/** Token lists in the chunks TokenStream renders; cached so saved replies keep their identity. */
const chunkCache = new WeakMap<readonly unknown[], Chunks<unknown>>()
export function chunksOf<T>(items: readonly T[]): Chunks<T> {
  let chunks = chunkCache.get(items) as Chunks<T> | undefined
  if (!chunks) {
    chunks = toChunks(items)
    chunkCache.set(items, chunks)
  }
  return chunks
}
