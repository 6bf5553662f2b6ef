import type { GeneratedToken, RunEvent, StopReason, TokenText } from '../../../shared/contract'
import type { SamplingSettings } from '../../../shared/schemas'
import { appendToChunks, chunkedItemAt, toChunks, type Chunks } from './token-chunks'
import {
  applyStatusEvent,
  initialRunStatus,
  isActive,
  runStatusReducer,
  type RunStatus,
  type RunStatusAction,
} from './run-status'

export {
  connectionLostError,
  describeStopReason,
  isActive,
  runCounts,
  runStateLabel,
  type RunPhase,
  type RunStateLabel,
} from './run-status'

/**
 * One run with its tokens: the run a view shows when it holds one at a time (a chat reply being
 * written, a Compare column, Score). Completion keeps its tokens in the branch tree instead and
 * its run store holds only the status (run-status.ts).
 */
export interface RunState extends RunStatus {
  prompt: Chunks<TokenText>
  tokens: Chunks<GeneratedToken>
}

export type RunAction =
  | (Omit<Extract<RunStatusAction, { type: 'requested' }>, 'startCount'> & {
      /** Tokens the run starts with (a chat reply's branch: the kept part and the pick). */
      prefix?: readonly GeneratedToken[]
    })
  | Exclude<RunStatusAction, { type: 'requested' } | { type: 'restored' }>
  /** A finished run read back from a saved session. */
  | { type: 'restored'; runId: string; promptText: string; maxTokens: number; record: SavedRun }

/** What a session file keeps of a run (the shape of the session schema's run record). */
export interface SavedRun {
  prompt: TokenText[]
  tokens: GeneratedToken[]
  stopReason: StopReason | 'failed'
  sampling: SamplingSettings
  tokensPerSecond: number | null
  timeToFirstTokenMs: number | null
}

export const initialRunState: RunState = { ...initialRunStatus, prompt: [], tokens: [] }

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'requested': {
      const { prefix, ...request } = action
      const status = runStatusReducer(state, { ...request, startCount: prefix?.length ?? 0 })
      if (status === state) return state
      return { ...status, prompt: [], tokens: toChunks(prefix ?? []) }
    }
    case 'event':
      return applyRunEvent(state, action.event)
    case 'events':
      return mergeTokenEvents(action.events).reduce(applyRunEvent, state)
    case 'cleared':
      return isActive(state) ? state : initialRunState
    case 'restored': {
      const { record } = action
      const status = runStatusReducer(state, {
        type: 'restored',
        runId: action.runId,
        promptText: action.promptText,
        maxTokens: action.maxTokens,
        outcome: {
          sampling: record.sampling,
          promptCount: record.prompt.length,
          tokenCount: record.tokens.length,
          stopReason: record.stopReason,
          tokensPerSecond: record.tokensPerSecond,
          timeToFirstTokenMs: record.timeToFirstTokenMs,
        },
      })
      if (status === state) return state
      return { ...status, prompt: toChunks(record.prompt), tokens: toChunks(record.tokens) }
    }
    default: {
      const status = runStatusReducer(state, action)
      return status === state ? state : { ...status, prompt: state.prompt, tokens: state.tokens }
    }
  }
}

/** Applies one engine event; events of other runs, and any after the run finished, are ignored. */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  const next = applyStatusEvent(state, event)
  if (next === state) return state
  if (event.kind === 'started') return { ...next, prompt: toChunks(event.prompt) }
  if (event.kind === 'tokens')
    return { ...next, tokens: appendToChunks(state.tokens, event.tokens) }
  return next
}

/** Joins back-to-back `tokens` events of a run into one, so a frame's batches append once. */
export function mergeTokenEvents(events: readonly RunEvent[]): RunEvent[] {
  const merged: RunEvent[] = []
  for (const event of events) {
    const last = merged[merged.length - 1]
    if (last?.kind === 'tokens' && event.kind === 'tokens' && last.runId === event.runId) {
      merged[merged.length - 1] = { ...event, tokens: [...last.tokens, ...event.tokens] }
    } else {
      merged.push(event)
    }
  }
  return merged
}

export function generatedTokenAt(state: RunState, index: number): GeneratedToken | undefined {
  return chunkedItemAt(state.tokens, index)
}
