import type {
  GeneratedToken,
  RunEvent,
  RunStats,
  StopReason,
  TokenText,
} from '../../../shared/contract'
import type { AppError } from '../../../shared/errors'
import type { SamplingSettings } from '../../../shared/schemas'
import type { TokenCounts } from '../lib/numbering'
import { appendToChunks, chunkedItemAt, toChunks, type Chunks } from './token-chunks'

/** `starting`: asked for, no `started` event yet. */
export type RunPhase = 'idle' | 'starting' | 'running' | 'ended' | 'failed'

/** The one completion run the view shows: the latest one the user started. */
export interface RunState {
  runId: string | null
  phase: RunPhase
  /** Cancel was asked for; the run is still going until `ended` arrives. */
  stopping: boolean
  promptText: string
  maxTokens: number
  /** The sampling the user asked for; replaced by what the engine echoes in `started`. */
  sampling: SamplingSettings | null
  prompt: Chunks<TokenText>
  promptCount: number
  /** Tokens a branch was handed after the prompt (generated earlier): see lib/numbering.ts. */
  forcedCount: number
  tokens: Chunks<GeneratedToken>
  tokenCount: number
  contextSize: number | null
  contextUsed: number
  stats: RunStats | null
  stopReason: StopReason | null
  error: AppError | null
}

export type RunAction =
  | {
      type: 'requested'
      runId: string
      promptText: string
      sampling: SamplingSettings
      maxTokens: number
      /** Tokens the run starts with (a chat reply's branch: the kept part and the pick). */
      prefix?: readonly GeneratedToken[]
    }
  | { type: 'event'; event: RunEvent }
  /** Several events at once: what arrived during one animation frame. */
  | { type: 'events'; events: readonly RunEvent[] }
  | { type: 'cancelRequested'; runId: string }
  | { type: 'requestFailed'; runId: string; error: AppError }
  | { type: 'connectionLost' }
  | { type: 'cleared' }
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

const restoredFailure: AppError = {
  code: 'internal',
  message: 'This run failed before it finished; what it produced is kept.',
}

export const initialRunState: RunState = {
  runId: null,
  phase: 'idle',
  stopping: false,
  promptText: '',
  maxTokens: 0,
  sampling: null,
  prompt: [],
  promptCount: 0,
  forcedCount: 0,
  tokens: [],
  tokenCount: 0,
  contextSize: null,
  contextUsed: 0,
  stats: null,
  stopReason: null,
  error: null,
}

export const connectionLostError: AppError = {
  code: 'engine-unavailable',
  message: 'The connection to Tokenscope dropped during the run.',
  hint: 'The output shown is what arrived before it dropped. Generate again once it reconnects.',
}

export function isActive(state: RunState): boolean {
  return state.phase === 'starting' || state.phase === 'running'
}

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case 'requested':
      if (isActive(state)) return state
      return {
        ...initialRunState,
        runId: action.runId,
        phase: 'starting',
        promptText: action.promptText,
        sampling: action.sampling,
        maxTokens: action.maxTokens,
        tokens: toChunks(action.prefix ?? []),
        tokenCount: action.prefix?.length ?? 0,
      }
    case 'event':
      return applyRunEvent(state, action.event)
    case 'events':
      return mergeTokenEvents(action.events).reduce(applyRunEvent, state)
    case 'cancelRequested':
      if (action.runId !== state.runId || !isActive(state)) return state
      return { ...state, stopping: true }
    case 'requestFailed':
      if (action.runId !== state.runId || !isActive(state)) return state
      return { ...state, phase: 'failed', stopping: false, error: action.error }
    case 'connectionLost':
      if (!isActive(state)) return state
      return { ...state, phase: 'failed', stopping: false, error: connectionLostError }
    case 'cleared':
      return isActive(state) ? state : initialRunState
    case 'restored': {
      if (isActive(state)) return state
      const { record } = action
      const failed = record.stopReason === 'failed'
      return {
        ...initialRunState,
        runId: action.runId,
        phase: failed ? 'failed' : 'ended',
        promptText: action.promptText,
        maxTokens: action.maxTokens,
        sampling: record.sampling,
        prompt: toChunks(record.prompt),
        promptCount: record.prompt.length,
        tokens: toChunks(record.tokens),
        tokenCount: record.tokens.length,
        contextUsed: record.prompt.length + record.tokens.length,
        stats: {
          promptTokens: record.prompt.length,
          reusedPromptTokens: 0,
          evaluatedTokens: 0,
          generatedTokens: record.tokens.length,
          timeToFirstTokenMs: record.timeToFirstTokenMs,
          tokensPerSecond: record.tokensPerSecond,
        },
        stopReason: record.stopReason === 'failed' ? null : record.stopReason,
        error: failed ? restoredFailure : null,
      }
    }
  }
}

/** Applies one engine event; events of other runs, and any after the run finished, are ignored. */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  if (event.runId !== state.runId || !isActive(state)) return state
  switch (event.kind) {
    case 'started': {
      const given = event.prompt.length + event.forced.length
      return {
        ...state,
        phase: 'running',
        prompt: toChunks(event.prompt),
        promptCount: event.prompt.length,
        forcedCount: event.forced.length,
        contextSize: event.contextSize,
        contextUsed: given,
        sampling: event.sampling,
      }
    }
    case 'tokens':
      return {
        ...state,
        phase: 'running',
        tokens: appendToChunks(state.tokens, event.tokens),
        tokenCount: state.tokenCount + event.tokens.length,
        contextUsed: event.contextUsed,
        stats: event.stats,
      }
    case 'ended':
      return {
        ...state,
        phase: 'ended',
        stopping: false,
        stopReason: event.reason,
        contextUsed: event.contextUsed,
        stats: event.stats,
      }
    case 'failed':
      return { ...state, phase: 'failed', stopping: false, error: event.error }
    case 'influence':
      // Influence runs have their own store (Score's influence panel).
      return state
  }
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

/** The four states the UI (and its tests) name; `starting` shows as running. */
export type RunStateLabel = 'idle' | 'running' | 'ended' | 'failed'

export function runStateLabel(state: RunState): RunStateLabel {
  return state.phase === 'starting' ? 'running' : state.phase
}

export function generatedTokenAt(state: RunState, index: number): GeneratedToken | undefined {
  return chunkedItemAt(state.tokens, index)
}

const stopReasonText: Record<StopReason, string> = {
  'end-of-generation': 'the model ended its text',
  'max-tokens': 'reached the token limit',
  cancelled: 'stopped by you',
  'context-full': 'the context is full',
  'stop-string': 'a stop string appeared',
}

export function describeStopReason(reason: StopReason): string {
  return stopReasonText[reason]
}

/** The run's own prompt and generated counts, a branch's forced tokens counted as generated. */
export function runCounts(state: RunState): TokenCounts {
  return { prompt: state.promptCount, generated: state.forcedCount + state.tokenCount }
}
