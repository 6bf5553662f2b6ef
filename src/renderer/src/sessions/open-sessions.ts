import type { SessionSummary } from '../../../shared/sessions'
import { sessionListStore } from './stores'

const openKey = 'tokenscope.open-sessions'

interface OpenSessions {
  chat?: string | null
  completion?: string | null
  compare?: string | null
}

export function readOpen(): OpenSessions {
  try {
    const raw = JSON.parse(localStorage.getItem(openKey) ?? '{}') as unknown
    return raw && typeof raw === 'object' ? (raw as OpenSessions) : {}
  } catch {
    return {}
  }
}

/** Remembers which session each view shows, so a reload opens them again. */
export function rememberOpen(kind: SessionSummary['kind'], id: string | null): void {
  sessionListStore.dispatch({ type: 'opened', kind, id })
  try {
    localStorage.setItem(openKey, JSON.stringify({ ...readOpen(), [kind]: id }))
  } catch {
    // No storage: the sessions are still saved, only the reopening is lost.
  }
}
