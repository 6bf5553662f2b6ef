import type { GeneratedToken, RunEvent } from '../../../shared/contract'
import { toAppError, type AppError } from '../../../shared/errors'
import { limits } from '../../../shared/schemas'
import { inspectorPrefsStore } from '../inspector/stores'
import { getConnection, makeRunId } from '../services/engine-connection'
import { canStartRun } from './engine-reducer'
import { createStore } from './store'
import { engineStore } from './stores'

/**
 * Completion's prompt read by the model (the engine's `score`, one teacher-forced pass): each
 * prompt token after the first gets the probability the model gave it after the ones before.
 * Kept for one prompt text at a time; a new prompt shows none until scored again.
 */
export interface PromptScoreState {
  /** The prompt text these scores belong to. */
  promptText: string | null
  runId: string | null
  phase: 'idle' | 'scoring' | 'done' | 'failed'
  /** The first token's id (it has nothing before it and is not scored). */
  firstId: number | null
  /** Scores of prompt tokens 1, 2, … in order. */
  tokens: readonly GeneratedToken[]
  error: AppError | null
}

type Action =
  | { type: 'requested'; runId: string; promptText: string }
  | { type: 'events'; runId: string; events: readonly RunEvent[] }
  | { type: 'failed'; runId: string; error: AppError }

const initial: PromptScoreState = {
  promptText: null,
  runId: null,
  phase: 'idle',
  firstId: null,
  tokens: [],
  error: null,
}

function reduce(state: PromptScoreState, action: Action): PromptScoreState {
  if (action.type === 'requested') {
    return { ...initial, promptText: action.promptText, runId: action.runId, phase: 'scoring' }
  }
  if (action.runId !== state.runId) return state
  if (action.type === 'failed') return { ...state, phase: 'failed', error: action.error }
  let next = state
  let added: GeneratedToken[] | null = null
  for (const event of action.events) {
    if (event.kind === 'started') next = { ...next, firstId: event.prompt[0]?.id ?? null }
    if (event.kind === 'tokens') (added ??= []).push(...event.tokens)
    if (event.kind === 'ended') next = { ...next, phase: 'done' }
    if (event.kind === 'failed') next = { ...next, phase: 'failed', error: event.error }
  }
  return added ? { ...next, tokens: [...next.tokens, ...added] } : next
}

export const promptScoreStore = createStore(reduce, initial)

/** Scores `promptText` unless it is already scored or being scored, or the engine is busy. */
export function scorePrompt(promptText: string): void {
  const state = promptScoreStore.getState()
  if (state.phase === 'scoring') return
  if (state.promptText === promptText && state.phase === 'done') return
  if (!canStartRun(engineStore.getState(), 'score')) return
  const runId = makeRunId()
  promptScoreStore.dispatch({ type: 'requested', runId, promptText })
  getConnection().followRun(runId, 'score', (events) =>
    promptScoreStore.dispatch({ type: 'events', runId, events }),
  )
  getConnection()
    .bridge.score({
      runId,
      text: promptText.slice(0, limits.promptChars),
      topN: inspectorPrefsStore.getState().topN,
    })
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      promptScoreStore.dispatch({ type: 'failed', runId, error: toAppError(error) })
    })
}

/**
 * The scores of a prompt's tokens by position (undefined for the first, and for all of them when
 * the scores are of another text or its tokens came out differently), or null when not scored.
 */
export function promptScoresFor(
  state: PromptScoreState,
  promptText: string,
  promptIds: readonly number[],
): readonly (GeneratedToken | undefined)[] | null {
  if (state.promptText !== promptText || state.tokens.length === 0) return null
  if (state.firstId !== promptIds[0]) return null
  const scores: (GeneratedToken | undefined)[] = [undefined]
  for (let i = 1; i < promptIds.length; i++) {
    const token = state.tokens[i - 1]
    if (token && token.id !== promptIds[i]) return null
    scores.push(token)
  }
  return scores
}
