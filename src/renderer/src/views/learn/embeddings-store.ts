import type { AppError } from '../../../../shared/errors'
import type { EmbeddingPooling } from '../../../../shared/learn'
import { createStore } from '../../stores/store'

export interface EmbeddingsState {
  phase: 'idle' | 'running' | 'done' | 'stopped' | 'failed'
  /** The list being embedded, or last embedded. */
  items: string[]
  /** One vector per item done so far, in order. */
  vectors: number[][]
  tokenCounts: number[]
  dimensions: number | null
  pooling: EmbeddingPooling | null
  /** The model that made the vectors: vectors of two models are never compared. */
  modelName: string | null
  error: AppError | null
  /** Counts up with every request, so the answer to an older one is dropped. */
  request: number
}

export type EmbeddingsAction =
  | { type: 'started'; items: string[]; modelName: string }
  | {
      type: 'part'
      request: number
      vectors: number[][]
      tokenCounts: number[]
      dimensions: number
      pooling: EmbeddingPooling
    }
  | { type: 'finished'; request: number }
  | { type: 'failed'; request: number; error: AppError }
  | { type: 'stopped' }

export const initialEmbeddings: EmbeddingsState = {
  phase: 'idle',
  items: [],
  vectors: [],
  tokenCounts: [],
  dimensions: null,
  pooling: null,
  modelName: null,
  error: null,
  request: 0,
}

export function embeddingsReducer(
  state: EmbeddingsState,
  action: EmbeddingsAction,
): EmbeddingsState {
  if (action.type === 'started') {
    return {
      ...initialEmbeddings,
      phase: 'running',
      items: action.items,
      modelName: action.modelName,
      request: state.request + 1,
    }
  }
  if (action.type === 'stopped') {
    return state.phase === 'running'
      ? { ...state, phase: 'stopped', request: state.request + 1 }
      : state
  }
  if (action.request !== state.request || state.phase !== 'running') return state
  switch (action.type) {
    case 'part':
      return {
        ...state,
        vectors: [...state.vectors, ...action.vectors],
        tokenCounts: [...state.tokenCounts, ...action.tokenCounts],
        dimensions: action.dimensions,
        pooling: action.pooling,
      }
    case 'finished':
      return { ...state, phase: 'done' }
    case 'failed':
      return { ...state, phase: 'failed', error: action.error }
  }
}

/** The Embeddings view's list and vectors, kept while the user visits other tabs. */
export const embeddingsStore = createStore(embeddingsReducer, initialEmbeddings)
