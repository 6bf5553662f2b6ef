import type { ModelInfo } from '../../../shared/engine-status'
import type { SamplingSettings } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import { isActive, type RunState } from '../stores/run-reducer'
import { toChunks, type Chunks } from '../stores/token-chunks'
import {
  newSession,
  replyText,
  storableToken,
  titleFrom,
  type RunRecord,
} from '../../../shared/conversation'

export { replyText, storableToken }

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
