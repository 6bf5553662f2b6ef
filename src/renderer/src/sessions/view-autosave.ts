import type { SessionDocument } from '../../../shared/sessions'
import { branchStore, inspectorPrefsStore } from '../inspector/stores'
import { getConnection, makeRunId } from '../services/session'
import { isActive } from '../stores/run-reducer'
import { engineStore, runStore } from '../stores/stores'
import { chatStore } from '../views/chat/chat-store'
import { alternativesPerToken, compareStore } from '../views/compare/compare-actions'
import { isAnyActive, type CompareState } from '../views/compare/compare-reducer'
import { completionSessionFromTree, holdsTree } from './branches'
import { compareSession, hasRuns, startedOver } from './compare-records'
import { hasContent } from './conversation'
import { modelRef } from './records'
import { autosaver, saveSoon } from './saving'
import { rememberOpen } from './session-actions'
import { compareSessionStore, completionSessionStore, sessionListStore } from './stores'

/**
 * Each view's work saved as the user goes: Chat after a quiet moment and after every reply,
 * Completion and Compare when their runs finish, and whatever is still running when the page
 * goes away.
 */

const bridge = () => getConnection().bridge

/** Whether the comparison on screen was started over (Generate) since it was last saved. */
let comparisonStartedOver = false

/** Saves the conversation as the user works: after a quiet moment, and at once after a reply. */
export function autosaveChat(): () => void {
  let previous = chatStore.getState()
  return chatStore.subscribe(() => {
    const state = chatStore.getState()
    const before = previous
    previous = state
    if (state.doc === before.doc || !hasContent(state.doc)) return
    if (state.doc.id !== before.doc.id) {
      rememberOpen('chat', state.doc.id)
      return
    }
    if (sessionListStore.getState().openChatId !== state.doc.id) rememberOpen('chat', state.doc.id)
    // A sent message and a finished reply are saved at once; edits after a quiet moment.
    if (Boolean(before.live) !== Boolean(state.live)) saveSoon(state.doc)
    else autosaver.schedule(state.doc)
  })
}

/** The Completion view's branches as its session document (a branch still running: stopped). */
function completionDocument(maxTokens: number): SessionDocument | null {
  const tree = branchStore.getState()
  if (tree.order.length === 0) return null
  const open = completionSessionStore.getState().doc
  const previous = holdsTree(open, tree.order[0]) ? open : null
  return completionSessionFromTree({
    tree,
    previous,
    id: makeRunId(),
    promptId: makeRunId(),
    model: modelRef(engineStore.getState().status?.model),
    maxTokens,
    topN: inspectorPrefsStore.getState().topN,
    now: new Date().toISOString(),
  })
}

function saveBranches(runId: string, maxTokens: number): void {
  if (!branchStore.getState().nodes[runId]) return
  const doc = completionDocument(maxTokens)
  if (!doc) return
  completionSessionStore.dispatch({ type: 'saved', doc })
  rememberOpen('completion', doc.id)
  saveSoon(doc)
}

/**
 * The page is going away: a Completion run or a comparison still going is kept as far as it got,
 * stopped there (saved now, and kept for the next start in case the save does not leave in time).
 */
export function keepRunningWork(): void {
  const run = runStore.getState()
  if (isActive(run) && run.runId && run.tokenCount > 0) {
    const doc = completionDocument(run.maxTokens)
    if (doc) {
      rememberOpen('completion', doc.id)
      autosaver.schedule(doc)
    }
    bridge()
      .cancel({ runId: run.runId })
      .catch(() => undefined)
  }
  const state = compareStore.getState()
  if (isAnyActive(state)) {
    // A comparison started over goes to a new session, never over the one it replaced.
    const doc = comparisonDocument(state, comparisonStartedOver)
    rememberOpen('compare', doc.id)
    autosaver.schedule(doc)
    for (const column of state.columns) {
      if (isActive(column.run) && column.run.runId)
        bridge()
          .cancel({ runId: column.run.runId })
          .catch(() => undefined)
    }
  }
}

/** Every Completion run that finishes (or stops, or fails) is saved with its session's branches. */
export function autosaveCompletions(): () => void {
  let wasActive = isActive(runStore.getState())
  let shown = branchStore.getState().activeId
  const offRun = runStore.subscribe(() => {
    const run = runStore.getState()
    const active = isActive(run)
    const finished = wasActive && !active
    wasActive = active
    if (!finished || !run.runId || (run.promptCount === 0 && run.tokenCount === 0)) return
    const { runId, maxTokens } = run
    // The branch tree hears of the same events just after the run store: save once it has.
    queueMicrotask(() => saveBranches(runId, maxTokens))
  })
  // Switching branches (‹ ›) changes which one the session reopens on, after a quiet moment.
  const offTree = branchStore.subscribe(() => {
    const tree = branchStore.getState()
    if (tree.activeId === shown) return
    shown = tree.activeId
    const doc = completionSessionStore.getState().doc
    if (!doc || !tree.activeId || doc.currentLeafId === tree.activeId) return
    if (isActive(runStore.getState()) || !holdsTree(doc, tree.order[0])) return
    if (!doc.nodes.some((n) => n.id === tree.activeId)) return
    const next = { ...doc, currentLeafId: tree.activeId }
    completionSessionStore.dispatch({ type: 'saved', doc: next })
    autosaver.schedule(next)
  })
  return () => {
    offRun()
    offTree()
  }
}

/** The Compare view as its session document: a new one when the comparison started over. */
function comparisonDocument(state: CompareState, fresh: boolean): SessionDocument {
  return compareSession({
    state,
    previous: fresh ? null : compareSessionStore.getState().doc,
    id: makeRunId(),
    model: modelRef(engineStore.getState().status?.model),
    topN: alternativesPerToken,
    now: new Date().toISOString(),
  })
}

/**
 * Saves the Compare view when its runs finish: Generate starts a new comparison session, a
 * column run again stays in the one on screen.
 */
export function autosaveComparisons(): () => void {
  let previous = compareStore.getState()
  return compareStore.subscribe(() => {
    const state = compareStore.getState()
    const before = previous
    previous = state
    if (startedOver(before, state)) comparisonStartedOver = true
    const finished = isAnyActive(before) && !isAnyActive(state)
    if (!finished || !hasRuns(state)) return
    const doc = comparisonDocument(state, comparisonStartedOver)
    comparisonStartedOver = false
    compareSessionStore.dispatch({ type: 'saved', doc })
    rememberOpen('compare', doc.id)
    saveSoon(doc)
  })
}
