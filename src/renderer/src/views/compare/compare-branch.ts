import type { TokenCandidate } from '../../../../shared/contract'
import { startBranch } from '../../services/actions'
import { makeRunId } from '../../services/session'
import { ensureOnHost, sendIntents } from '../../sessions/host-sessions'
import { rememberOpen } from '../../sessions/open-sessions'
import { completionSession, modelRef } from '../../sessions/records'
import { showCompletion } from '../../sessions/session-actions'
import { whyCannotStart } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { engineStore, runStore } from '../../stores/stores'
import { viewStore } from '../../stores/view'
import { alternativesPerToken, compareStore, copyColumnSettings } from './compare-actions'
import { isAnyActive } from './compare-reducer'

/** Why branching from a token of column `key` cannot start now, in words; null when it can. */
export function whyCannotBranch(key: string): string | null {
  const state = compareStore.getState()
  if (state.input === 'chat')
    return 'Branching continues a text prompt in Completion; this comparison answers a chat message.'
  if (isAnyActive(state)) return 'Wait for the comparison to finish (or stop it) before branching.'
  if (isActive(runStore.getState())) return 'The Completion tab is generating: stop it first.'
  if (!state.columns.some((c) => c.key === key)) return 'The column is gone.'
  return whyCannotStart(engineStore.getState(), 'completion')
}

/**
 * Branching in Compare goes on in Completion, where branches live: the column's text opens there
 * as a new Completion session (its first run), the column's settings become Completion's, and the
 * branch forces `alternative` at token `index` and continues from it, as a branch picked in
 * Completion would (the engine reuses the cached prompt and kept tokens).
 */
export function branchFromColumn(key: string, index: number, alternative: TokenCandidate): void {
  if (whyCannotBranch(key) !== null) return
  const column = compareStore.getState().columns.find((c) => c.key === key)
  if (!column || column.run.runId === null || column.run.tokenCount <= index) return
  const doc = completionSession({
    id: makeRunId(),
    promptId: makeRunId(),
    completionId: makeRunId(),
    run: column.run,
    model: modelRef(engineStore.getState().status?.model),
    topN: alternativesPerToken(),
    now: new Date().toISOString(),
  })
  sendIntents(doc.id, ensureOnHost(doc))
  showCompletion(doc)
  rememberOpen('completion', doc.id)
  copyColumnSettings(key)
  viewStore.dispatch('completion')
  window.location.hash = 'completion'
  startBranch(index, alternative)
}
