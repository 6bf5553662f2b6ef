import { branchStore } from '../inspector/stores'
import { isActive } from '../stores/run-status'
import { runStore } from '../stores/stores'
import type { AppView } from '../stores/view'
import { compareStore } from '../views/compare/compare-actions'
import { isAnyActive } from '../views/compare/compare-state'
import { rememberOpen } from './open-sessions'
import { startNewChat } from './session-actions'
import { compareSessionStore, completionSessionStore, sessionListStore } from './stores'

/** What "New" makes in each view; Models has no sessions of its own, so it starts a chat. */
export type NewKind = 'chat' | 'completion' | 'compare'

export function newKindFor(view: AppView): NewKind {
  return view === 'completion' || view === 'compare' ? view : 'chat'
}

export const newLabels: Record<NewKind, string> = {
  chat: 'New chat',
  completion: 'New completion',
  compare: 'New comparison',
}

/**
 * An empty session of the kind: the one on screen stays saved as it is; the new one is saved
 * once something is generated in it. A run still going keeps its view until it ends.
 */
export function startNew(kind: NewKind): void {
  if (kind === 'chat') {
    startNewChat()
    return
  }
  if (kind === 'completion') {
    if (isActive(runStore.getState())) return refuse('Stop the Completion run first.')
    runStore.dispatch({ type: 'cleared' })
    branchStore.dispatch({ type: 'cleared' })
    completionSessionStore.dispatch({ type: 'started' })
  } else {
    if (isAnyActive(compareStore.getState())) return refuse('Stop the comparison first.')
    compareStore.dispatch({ type: 'cleared' })
    compareStore.dispatch({ type: 'promptChanged', prompt: '' })
    compareSessionStore.dispatch({ type: 'closed' })
  }
  rememberOpen(kind, null)
  window.location.hash = kind
}

function refuse(error: string): void {
  sessionListStore.dispatch({ type: 'failed', error })
}
