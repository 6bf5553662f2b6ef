import type { SessionSummary, StorageProblem } from '../../../shared/sessions'

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'failed'

/** The sidebar: saved sessions, the search, what was deleted last (for Undo), storage notices. */
export interface SessionListState {
  loaded: boolean
  sessions: SessionSummary[]
  query: string
  /** The session open in each view. */
  openChatId: string | null
  openCompletionId: string | null
  openCompareId: string | null
  /** Deleted a moment ago; Undo brings it back. */
  undo: SessionSummary | null
  problems: StorageProblem[]
  problemsDismissed: boolean
  save: SaveState
  /** Why the last save, delete, import or load failed; null when all is well. */
  error: string | null
  /** The fine print of `error` (an import's schema problems), shown folded. */
  errorDetails: string | null
}

export type SessionListAction =
  | { type: 'listed'; sessions: SessionSummary[] }
  | { type: 'saved'; summary: SessionSummary }
  | { type: 'saveState'; save: SaveState; error?: string }
  | { type: 'deleted'; id: string }
  | { type: 'undoDismissed' }
  | { type: 'restored'; summary: SessionSummary }
  | { type: 'queryChanged'; query: string }
  | { type: 'opened'; kind: SessionSummary['kind']; id: string | null }
  | { type: 'problems'; problems: StorageProblem[] }
  | { type: 'problemsDismissed' }
  | { type: 'failed'; error: string; details?: string | null }
  | { type: 'errorDismissed' }

export const initialSessionListState: SessionListState = {
  loaded: false,
  sessions: [],
  query: '',
  openChatId: null,
  openCompletionId: null,
  openCompareId: null,
  undo: null,
  problems: [],
  problemsDismissed: false,
  save: 'saved',
  error: null,
  errorDetails: null,
}

function newestFirst(list: SessionSummary[]): SessionSummary[] {
  return [...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}

function upsert(list: SessionSummary[], summary: SessionSummary): SessionSummary[] {
  return newestFirst([...list.filter((s) => s.id !== summary.id), summary])
}

export function sessionListReducer(
  state: SessionListState,
  action: SessionListAction,
): SessionListState {
  switch (action.type) {
    case 'listed':
      return { ...state, loaded: true, sessions: newestFirst(action.sessions) }
    case 'saved':
      return { ...state, sessions: upsert(state.sessions, action.summary) }
    case 'saveState':
      return {
        ...state,
        save: action.save,
        error: action.save === 'failed' ? (action.error ?? 'Saving failed.') : state.error,
        errorDetails: action.save === 'failed' ? null : state.errorDetails,
      }
    case 'deleted': {
      const removed = state.sessions.find((s) => s.id === action.id)
      if (!removed) return state
      return {
        ...state,
        sessions: state.sessions.filter((s) => s.id !== action.id),
        undo: removed,
        openChatId: state.openChatId === action.id ? null : state.openChatId,
        openCompletionId: state.openCompletionId === action.id ? null : state.openCompletionId,
        openCompareId: state.openCompareId === action.id ? null : state.openCompareId,
      }
    }
    case 'undoDismissed':
      return state.undo ? { ...state, undo: null } : state
    case 'restored':
      return {
        ...state,
        sessions: upsert(state.sessions, action.summary),
        undo: state.undo?.id === action.summary.id ? null : state.undo,
      }
    case 'queryChanged':
      return { ...state, query: action.query }
    case 'opened':
      if (action.kind === 'chat') return { ...state, openChatId: action.id }
      if (action.kind === 'compare') return { ...state, openCompareId: action.id }
      return { ...state, openCompletionId: action.id }
    case 'problems':
      return { ...state, problems: action.problems, problemsDismissed: false }
    case 'problemsDismissed':
      return { ...state, problemsDismissed: true }
    case 'failed':
      return { ...state, error: action.error, errorDetails: action.details ?? null }
    case 'errorDismissed':
      return { ...state, error: null, errorDetails: null }
  }
}

/** Sessions whose title contains every word of the query, ignoring case. */
export function filterSessions(sessions: SessionSummary[], query: string): SessionSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return sessions
  return sessions.filter((s) => {
    const title = (s.title || untitled(s.kind)).toLowerCase()
    return words.every((w) => title.includes(w))
  })
}

export function untitled(kind: SessionSummary['kind']): string {
  return kind === 'chat' ? 'New chat' : kind === 'compare' ? 'Comparison' : 'Completion'
}

/** A session id not yet taken: the given one, or a fresh one when it collides. */
export function freeId(wanted: string, taken: readonly string[], fresh: () => string): string {
  if (!taken.includes(wanted)) return wanted
  let id = fresh()
  while (taken.includes(id)) id = fresh()
  return id
}
