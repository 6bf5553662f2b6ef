import type { SessionDocument } from '../../../shared/sessions'
import { createStore } from '../stores/store'
import { initialSessionListState, sessionListReducer } from './session-list'

export const sessionListStore = createStore(sessionListReducer, initialSessionListState)

/**
 * The Completion session on screen; `restored` counts restores so the prompt box follows, and
 * `promptText` is what the prompt box starts with when the view opens again.
 */
export interface CompletionSessionState {
  doc: SessionDocument | null
  restored: number
  promptText: string
}

export type CompletionSessionAction =
  | { type: 'saved'; doc: SessionDocument }
  | { type: 'restored'; doc: SessionDocument; promptText: string }
  | { type: 'closed' }
  /** A new, empty Completion: nothing open, an empty prompt box. */
  | { type: 'started' }

export const completionSessionStore = createStore<CompletionSessionState, CompletionSessionAction>(
  (state, action) => {
    switch (action.type) {
      case 'saved': {
        const prompt = action.doc.nodes.find((n) => n.role === 'prompt')
        return { ...state, doc: action.doc, promptText: prompt?.text ?? state.promptText }
      }
      case 'restored':
        return { doc: action.doc, restored: state.restored + 1, promptText: action.promptText }
      case 'closed':
        return state.doc ? { ...state, doc: null } : state
      case 'started':
        return { doc: null, restored: state.restored + 1, promptText: '' }
    }
  },
  { doc: null, restored: 0, promptText: '' },
)

/** The comparison on screen as last saved; null until its first run finishes. */
export interface CompareSessionState {
  doc: SessionDocument | null
}

export type CompareSessionAction = { type: 'saved'; doc: SessionDocument } | { type: 'closed' }

export const compareSessionStore = createStore<CompareSessionState, CompareSessionAction>(
  (state, action) => {
    switch (action.type) {
      case 'saved':
        return { doc: action.doc }
      case 'closed':
        return state.doc ? { doc: null } : state
    }
  },
  { doc: null },
)
