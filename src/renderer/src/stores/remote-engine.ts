import type { AppError } from '../../../shared/errors'
import type { RemoteChoice, RemoteEndpoint, RemoteModel } from '../../../shared/remote'
import { createStore } from './store'

/** One endpoint's model list as the Models tab shows it. */
export type ModelListState =
  | { state: 'loading' }
  | { state: 'listed'; models: RemoteModel[] }
  | { state: 'failed'; error: AppError }

/** The chosen remote model, with the address to name it by. */
export interface ChosenRemote extends RemoteChoice {
  url: string
}

export interface RemoteEngineState {
  /** The saved endpoints; null until the host has told. */
  endpoints: RemoteEndpoint[] | null
  models: Readonly<Record<string, ModelListState>>
  /** The engine Chat runs on: a remote model, or null for the local engine. */
  choice: ChosenRemote | null
}

export type RemoteEngineAction =
  | { type: 'endpointsListed'; endpoints: RemoteEndpoint[] }
  | { type: 'endpointAdded'; endpoint: RemoteEndpoint }
  | { type: 'endpointRemoved'; endpointId: string }
  | { type: 'modelsRequested'; endpointId: string }
  | { type: 'modelsListed'; endpointId: string; models: RemoteModel[] }
  | { type: 'modelsFailed'; endpointId: string; error: AppError }
  | { type: 'chosen'; choice: ChosenRemote }
  | { type: 'localChosen' }

export const initialRemoteEngineState: RemoteEngineState = {
  endpoints: null,
  models: {},
  choice: null,
}

const without = <T>(record: Readonly<Record<string, T>>, key: string) => {
  const { [key]: _gone, ...rest } = record
  return rest
}

export function remoteEngineReducer(
  state: RemoteEngineState,
  action: RemoteEngineAction,
): RemoteEngineState {
  switch (action.type) {
    case 'endpointsListed': {
      const ids = new Set(action.endpoints.map((e) => e.id))
      // A choice whose endpoint is gone (removed in another window) falls back to the local engine.
      const choice = state.choice && ids.has(state.choice.endpointId) ? state.choice : null
      return { ...state, endpoints: action.endpoints, choice }
    }
    case 'endpointAdded': {
      // The same address added again comes back as the endpoint it updated.
      const others = (state.endpoints ?? []).filter((e) => e.id !== action.endpoint.id)
      return { ...state, endpoints: [...others, action.endpoint] }
    }
    case 'endpointRemoved':
      return {
        ...state,
        endpoints: (state.endpoints ?? []).filter((e) => e.id !== action.endpointId),
        models: without(state.models, action.endpointId),
        choice: state.choice?.endpointId === action.endpointId ? null : state.choice,
      }
    case 'modelsRequested':
      return { ...state, models: { ...state.models, [action.endpointId]: { state: 'loading' } } }
    case 'modelsListed':
      return {
        ...state,
        models: {
          ...state.models,
          [action.endpointId]: { state: 'listed', models: action.models },
        },
      }
    case 'modelsFailed':
      return {
        ...state,
        models: { ...state.models, [action.endpointId]: { state: 'failed', error: action.error } },
      }
    case 'chosen':
      return { ...state, choice: action.choice }
    case 'localChosen':
      return state.choice ? { ...state, choice: null } : state
  }
}

/** The remote model's short name for labels: the last part of a path-like id. */
export function remoteModelLabel(choice: RemoteChoice): string {
  return choice.model.split('/').filter(Boolean).at(-1) ?? choice.model
}

/** The host part of an endpoint's address, e.g. `gpu-box:8080`. */
export function remoteHostLabel(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export const remoteEngineStore = createStore(remoteEngineReducer, initialRemoteEngineState)
