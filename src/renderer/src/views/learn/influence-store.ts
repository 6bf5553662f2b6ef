import type { InfluenceCost, RunEvent, StopReason, TokenText } from '../../../../shared/contract'
import type { AppError } from '../../../../shared/errors'
import { connectionLostError } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'

export type InfluencePhase = 'idle' | 'starting' | 'running' | 'ended' | 'failed'

/** The latest token-influence measurement: which token of which text, and what removing each did. */
export interface InfluenceState {
  runId: string | null
  phase: InfluencePhase
  stopping: boolean
  /** The scored text and the selected token's position in it, as asked for. */
  text: string
  position: number
  window: number
  /** The text's tokens up to the selected one (the last). */
  context: TokenText[]
  /** ln p of the selected token given everything before it. */
  baseline: number | null
  total: number
  /** Change in ln p with the token at each position removed. */
  changes: Readonly<Record<number, number>>
  cost: InfluenceCost | null
  stopReason: StopReason | null
  error: AppError | null
}

export type InfluenceAction =
  | { type: 'requested'; runId: string; text: string; position: number; window: number }
  | { type: 'events'; events: readonly RunEvent[] }
  | { type: 'cancelRequested'; runId: string }
  | { type: 'requestFailed'; runId: string; error: AppError }
  | { type: 'connectionLost' }
  | { type: 'cleared' }

export const initialInfluence: InfluenceState = {
  runId: null,
  phase: 'idle',
  stopping: false,
  text: '',
  position: 0,
  window: 0,
  context: [],
  baseline: null,
  total: 0,
  changes: {},
  cost: null,
  stopReason: null,
  error: null,
}

export const isMeasuring = (state: InfluenceState) =>
  state.phase === 'starting' || state.phase === 'running'

export function influenceReducer(state: InfluenceState, action: InfluenceAction): InfluenceState {
  switch (action.type) {
    case 'requested':
      return { ...initialInfluence, ...action, phase: 'starting' }
    case 'events':
      return action.events.reduce(applyEvent, state)
    case 'cancelRequested':
      return action.runId === state.runId && isMeasuring(state)
        ? { ...state, stopping: true }
        : state
    case 'requestFailed':
      return action.runId === state.runId
        ? { ...state, phase: 'failed', error: action.error }
        : state
    case 'connectionLost':
      return isMeasuring(state)
        ? { ...state, phase: 'failed', stopping: false, error: connectionLostError }
        : state
    case 'cleared':
      return isMeasuring(state) ? state : initialInfluence
  }
}

function applyEvent(state: InfluenceState, event: RunEvent): InfluenceState {
  if (event.runId !== state.runId || !isMeasuring(state)) return state
  switch (event.kind) {
    case 'influence': {
      const changes = { ...state.changes }
      event.items.forEach((item) => (changes[item.position] = item.change))
      return {
        ...state,
        phase: 'running',
        context: event.context ?? state.context,
        baseline: event.baseline ?? state.baseline,
        total: event.total,
        changes,
        cost: event.cost,
      }
    }
    case 'ended':
      return { ...state, phase: 'ended', stopping: false, stopReason: event.reason }
    case 'failed':
      return { ...state, phase: 'failed', stopping: false, error: event.error }
    default:
      return state
  }
}

/** Score's influence panel (kept across tabs, like the scored text). */
export const influenceStore = createStore(influenceReducer, initialInfluence)
