import { columnNode, comparisonChangeOf, comparisonOf } from '../../../shared/compare-tree'
import type { GeneratedToken } from '../../../shared/contract'
import type { SamplingSettings } from '../../../shared/schemas'
import type { RunRecording } from '../../../shared/session-intents'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import { alternativesPerToken, branchStore } from '../inspector/stores'
import { makeRunId } from '../services/engine-connection'
import { isActive } from '../stores/run-status'
import { engineStore, runStore } from '../stores/stores'
import type { CompareState } from '../views/compare/compare-state'
import { compareSession, type ComparisonIds } from './compare-sessions'
import { newSession, titleFrom } from './conversation'
import { ensureOnHost, isOnHost, sendIntents } from './host-sessions'
import { modelRef } from './records'
import { rememberOpen } from './open-sessions'
import { compareSessionStore, completionSessionStore } from './stores'

/**
 * Where Completion and Compare runs are recorded. A Completion run of a new prompt and a
 * comparison's Generate each make a new session on the host; the same prompt generated again, a
 * branch or a column run again goes into the session on screen. The host writes the tokens; the
 * page keeps only the session's outline.
 */

const now = () => new Date().toISOString()
const currentModel = () => modelRef(engineStore.getState().status?.model)

/** A run of the prompt hangs under the prompt node; a branch under its parent, at `forkAt`. */
function completionNode(
  id: string,
  parentId: string,
  origin: SessionNode['origin'],
  forkAt?: number,
): Omit<SessionNode, 'run'> {
  const node = { id, parentId, role: 'completion' as const, text: '', createdAt: now(), origin }
  return forkAt === undefined ? node : { ...node, forkAt }
}

/** A new Completion session for a first run; returns where the host records the run. */
export function startCompletionSession(init: {
  runId: string
  promptText: string
  sampling: SamplingSettings
  maxTokens: number
}): RunRecording {
  const base = newSession({
    id: makeRunId(),
    kind: 'completion',
    model: currentModel(),
    settings: {
      sampling: init.sampling,
      maxTokens: init.maxTokens,
      topN: alternativesPerToken(),
    },
    now: now(),
  })
  const prompt: SessionNode = {
    id: makeRunId(),
    parentId: null,
    role: 'prompt',
    text: init.promptText,
    run: null,
    createdAt: base.createdAt,
  }
  const doc: SessionDocument = {
    ...base,
    title: titleFrom(init.promptText) || 'Completion',
    nodes: [prompt, { ...completionNode(init.runId, prompt.id, 'run'), run: null }],
    currentLeafId: init.runId,
  }
  sendIntents(doc.id, ensureOnHost(doc))
  completionSessionStore.dispatch({ type: 'saved', doc })
  rememberOpen('completion', doc.id)
  return { sessionId: doc.id, target: { nodeId: init.runId } }
}

/** Whether `doc` holds the tree whose first run is `rootId`. */
export function holdsTree(doc: SessionDocument | null, rootId: string | undefined): boolean {
  return (
    doc !== null &&
    rootId !== undefined &&
    doc.kind === 'completion' &&
    doc.nodes.some((n) => n.id === rootId && n.role === 'completion')
  )
}

/** The saved Completion session that holds the tree on screen, and its prompt node. */
function shownCompletion() {
  const doc = completionSessionStore.getState().doc
  const tree = branchStore.getState()
  const prompt = doc?.nodes.find((n) => n.role === 'prompt')
  if (!doc || !prompt || !holdsTree(doc, tree.order[0]) || !isOnHost(doc.id)) return null
  return { doc, prompt, tree }
}

/** Adds node `runId` to the session on screen and shows it; returns where its run is recorded. */
function addCompletionNode(
  shown: NonNullable<ReturnType<typeof shownCompletion>>,
  runId: string,
  origin: 'run' | 'branch',
  branch?: { parentId: string; forkAt: number; first: GeneratedToken | null },
): RunRecording {
  const { doc, prompt } = shown
  const node = branch
    ? completionNode(runId, branch.parentId, origin, branch.forkAt)
    : completionNode(runId, prompt.id, origin)
  const first = branch?.first
  sendIntents(doc.id, [
    { type: 'nodeAdded', node, ...(first && { first }) },
    { type: 'leafShown', nodeId: runId },
  ])
  completionSessionStore.dispatch({
    type: 'saved',
    doc: { ...doc, nodes: [...doc.nodes, { ...node, run: null }], currentLeafId: runId },
  })
  return { sessionId: doc.id, target: { nodeId: runId } }
}

/**
 * Generate again with the prompt of the session on screen: the run joins that session's history,
 * beside the earlier runs. Null when the prompt changed or no saved session holds the tree.
 */
export function addCompletionRun(runId: string, promptText: string): RunRecording | null {
  const shown = shownCompletion()
  if (!shown || shown.prompt.text !== promptText || shown.tree.promptText !== promptText)
    return null
  return addCompletionNode(shown, runId, 'run')
}

/**
 * A branch (or a continuation) of the Completion session on screen: node `parentId`'s text up to
 * `forkAt`, then `first` (the alternative picked; null continues from the end). Undefined when no
 * saved session holds the tree (it was deleted): the branch then runs unrecorded, as it is shown.
 */
export function addCompletionBranch(init: {
  runId: string
  /** Its parent in the branch tree. */
  parentId: string
  forkAt: number
  first: GeneratedToken | null
}): RunRecording | undefined {
  const shown = shownCompletion()
  if (!shown) return undefined
  const { parentId, forkAt, first } = init
  return addCompletionNode(shown, init.runId, 'branch', { parentId, forkAt, first })
}

/** Switching branches (‹ ›) changes which one the session reopens on. */
export function followCompletionBranches(): () => void {
  let shown = branchStore.getState().activeId
  return branchStore.subscribe(() => {
    const tree = branchStore.getState()
    if (tree.activeId === shown) return
    shown = tree.activeId
    const doc = completionSessionStore.getState().doc
    if (!doc || !tree.activeId || doc.currentLeafId === tree.activeId) return
    if (isActive(runStore.getState()) || !holdsTree(doc, tree.order[0]) || !isOnHost(doc.id)) return
    if (!doc.nodes.some((n) => n.id === tree.activeId)) return
    sendIntents(doc.id, [{ type: 'leafShown', nodeId: tree.activeId }])
    completionSessionStore.dispatch({
      type: 'saved',
      doc: { ...doc, currentLeafId: tree.activeId },
    })
  })
}

/** The comparison as a session outline: its prompt and columns, no runs (the host adds them). */
function comparisonOutline(
  state: CompareState,
  previous: SessionDocument | null,
  ids: ComparisonIds,
): SessionDocument {
  const doc = compareSession({
    state,
    previous,
    id: makeRunId(),
    ids,
    model: currentModel(),
    topN: alternativesPerToken(),
    now: now(),
  })
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: null })) }
}

/** Where the host records the run of column `key` of `doc`. */
function recordingIn(doc: SessionDocument, key: string): RunRecording {
  const node = columnNode(doc.nodes, key)
  if (!node) throw new Error(`column ${key} is not in the comparison`)
  return { sessionId: doc.id, target: { nodeId: node.id } }
}

/**
 * Generate: every column runs again, as a new comparison session; each column's node takes the
 * id of its run (`runIdOf`), as a Completion run's does.
 */
export function startComparison(
  state: CompareState,
  runIdOf: (key: string) => string,
): (key: string) => RunRecording {
  const doc = comparisonOutline(state, null, { prompt: makeRunId(), column: runIdOf })
  sendIntents(doc.id, ensureOnHost(doc))
  compareSessionStore.dispatch({ type: 'saved', doc })
  rememberOpen('compare', doc.id)
  return (key) => recordingIn(doc, key)
}

/**
 * Column `key` runs again (as run `runId`): recorded in the comparison on screen, whose prompt
 * and columns become the view's (a new session if there is none).
 */
export function rerunInComparison(state: CompareState, key: string, runId: string): RunRecording {
  const previous = compareSessionStore.getState().doc
  const fresh = (k: string) => (k === key ? runId : makeRunId())
  if (!previous || !isOnHost(previous.id) || !comparisonOf(previous.nodes))
    return startComparison(state, fresh)(key)
  const doc = comparisonOutline(state, previous, { prompt: makeRunId(), column: fresh })
  const change = comparisonChangeOf(doc)
  if (change) sendIntents(doc.id, [change])
  compareSessionStore.dispatch({ type: 'saved', doc })
  return recordingIn(doc, key)
}
