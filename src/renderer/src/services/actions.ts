import type { TokenCandidate } from '../../../shared/contract'
import { toAppError } from '../../../shared/errors'
import { limits, type GenerateRequest } from '../../../shared/schemas'
import { branchStore, inspectorPrefsStore } from '../inspector/stores'
import {
  branchParent,
  continueBlocker,
  existingBranch,
  forcedToken,
  forcedTokensFor,
  pathTokens,
} from '../stores/branch-paths'
import {
  busyReason,
  canStartRun,
  isLoadingModel,
  notReadyReasonFor,
} from '../stores/engine-reducer'
import { remoteEngineStore } from '../stores/remote-engine'
import { isActive } from '../stores/run-status'
import { engineStore, runStore, samplingForRun, settingsStore } from '../stores/stores'
import {
  addCompletionBranch,
  addCompletionRun,
  startCompletionSession,
} from '../sessions/view-sessions'
import { getConnection, makeRunId } from './engine-connection'
import { isHeld, loadHeld } from '../sessions/held-candidates'

/** What components call: each updates the stores and talks to the engine. */
/**
 * Generate: the prompt of the session on screen runs again into that session, beside its earlier
 * runs; a new prompt starts a new session.
 */
export function startRun(promptText: string): void {
  if (promptText.trim() === '' || isActive(runStore.getState())) return
  const remote = remoteEngineStore.getState().choice
  const engine = engineStore.getState()
  if (notReadyReasonFor(engine, remote !== null) ?? busyReason(engine, 'completion')) return
  const sampling = samplingForRun()
  const { maxTokens, stop = [] } = settingsStore.getState()
  const runId = makeRunId()
  const again = addCompletionRun(runId, promptText)
  runStore.dispatch({ type: 'requested', runId, promptText, sampling, maxTokens })
  if (again) branchStore.dispatch({ type: 'runRequested', runId, sampling })
  else branchStore.dispatch({ type: 'rootRequested', runId, promptText, sampling })
  const prompt = promptText.slice(0, limits.promptChars)
  generateAndRoute({
    runId,
    prompt,
    sampling,
    maxTokens,
    stop,
    topN: inspectorPrefsStore.getState().topN,
    record: again ?? startCompletionSession({ runId, promptText, sampling, maxTokens }),
    ...(remote && { remote: { endpointId: remote.endpointId, model: remote.model } }),
  })
}

/** Sends a Completion run (a first run or a branch) and feeds its events to the view's stores. */
function generateAndRoute(request: GenerateRequest): void {
  const { runId } = request
  getConnection().followRun(runId, 'completion', (events) => {
    const run = runStore.getState()
    // After the link dropped we gave up on the run; what still arrives belongs to no one here.
    if (run.runId === runId && isActive(run)) {
      runStore.dispatch({ type: 'events', events })
      branchStore.dispatch({ type: 'events', events })
    } else events.forEach((event) => engineStore.dispatch({ type: 'otherRunEvent', event }))
  })
  getConnection()
    .bridge.generate(request)
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      const appError = toAppError(error)
      runStore.dispatch({ type: 'requestFailed', runId, error: appError })
      branchStore.dispatch({ type: 'requestFailed', runId, error: appError })
      engineStore.dispatch({ type: 'errorShown', error: appError })
    })
}

/**
 * Branching: forces `alternative` at generated-token `index` of the shown path and continues
 * from there with the current settings. The engine reuses the cache of the shared prefix. A pick
 * that already has a branch just shows it.
 */
export function startBranch(index: number, alternative: TokenCandidate, heldRead = false): void {
  const tree = branchStore.getState()
  const step = pathTokens(tree, tree.activeId)[index]
  // A remote engine's text has no prompt cache to branch from (the inspector says so).
  if (!step || step.reported || step.id === alternative.id || isActive(runStore.getState())) return
  // The branch's first token keeps the step's Lab candidates: read them first if the host holds them.
  if (isHeld(step) && !heldRead) {
    const again = () => startBranch(index, alternative, true)
    loadHeld([step]).then(again, again)
    return
  }
  const existing = existingBranch(tree, index, alternative.id)
  if (existing) {
    branchStore.dispatch({ type: 'activated', id: existing })
    return
  }
  const parent = branchParent(tree, index)
  if (!parent || !canStartRun(engineStore.getState(), 'completion')) return
  const sampling = samplingForRun()
  const { maxTokens, stop = [] } = settingsStore.getState()
  const forcedTokens = forcedTokensFor(tree, index, alternative.id)
  const runId = makeRunId()
  const promptText = tree.promptText
  const first = forcedToken(step, alternative)
  const record = tree.activeId
    ? addCompletionBranch({ runId, parentId: parent.id, forkAt: index, first })
    : undefined
  runStore.dispatch({ type: 'requested', runId, promptText, sampling, maxTokens })
  branchStore.dispatch({
    type: 'branchRequested',
    runId,
    parentId: parent.id,
    forkAt: index,
    first,
    sampling,
  })
  generateAndRoute({
    runId,
    prompt: promptText.slice(0, limits.promptChars),
    sampling,
    maxTokens,
    stop,
    topN: inspectorPrefsStore.getState().topN,
    forcedTokens,
    record,
  })
}

/**
 * Continue: the shown text goes on from its end with the current settings, as a child of the
 * shown node that starts with its whole path (forced, so the engine reuses its cache).
 */
export function continueRun(): void {
  const tree = branchStore.getState()
  const leaf = tree.activeId ? tree.nodes[tree.activeId] : undefined
  if (!leaf || continueBlocker(tree) !== null || isActive(runStore.getState())) return
  if (!canStartRun(engineStore.getState(), 'completion')) return
  const path = pathTokens(tree, leaf.id)
  const sampling = samplingForRun()
  const { maxTokens, stop = [] } = settingsStore.getState()
  const runId = makeRunId()
  const promptText = tree.promptText
  const record = addCompletionBranch({ runId, parentId: leaf.id, forkAt: path.length, first: null })
  runStore.dispatch({ type: 'requested', runId, promptText, sampling, maxTokens })
  branchStore.dispatch({
    type: 'branchRequested',
    runId,
    parentId: leaf.id,
    forkAt: path.length,
    first: null,
    sampling,
  })
  generateAndRoute({
    runId,
    prompt: promptText.slice(0, limits.promptChars),
    sampling,
    maxTokens,
    stop,
    topN: inspectorPrefsStore.getState().topN,
    forcedTokens: path.map((t) => t.id),
    record,
  })
}

/** Shows another sibling branch at a divergence position (‹ ›). */
export function switchBranch(index: number, delta: number): void {
  branchStore.dispatch({ type: 'switched', position: index, delta })
}

export function stopRun(): void {
  const run = runStore.getState()
  if (!run.runId || !isActive(run) || run.stopping) return
  const { runId } = run
  runStore.dispatch({ type: 'cancelRequested', runId })
  getConnection()
    .bridge.cancel({ runId })
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
    )
}

/** Stops a run another window started, when it keeps the engine busy. */
export function stopOtherRun(): void {
  const { otherRunId } = engineStore.getState()
  if (!otherRunId) return
  getConnection()
    .bridge.cancel({ runId: otherRunId })
    .then(() => engineStore.dispatch({ type: 'errorDismissed' }))
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
    )
}

export function loadDemoModel(): void {
  const engine = engineStore.getState()
  if (isLoadingModel(engine)) return
  engineStore.dispatch({ type: 'demoLoadStarted', restarts: engine.status?.restarts ?? 0 })
  getConnection()
    .bridge.loadModel({ source: { kind: 'demo' } })
    .then(() => engineStore.dispatch({ type: 'demoLoadFinished' }))
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'demoLoadFailed', error: toAppError(error) }),
    )
}

/** Starts the engine again after it gave up, with the model that was last loaded. */
export function restartEngine(): void {
  const engine = engineStore.getState()
  if (isLoadingModel(engine)) return
  engineStore.dispatch({ type: 'demoLoadStarted', restarts: engine.status?.restarts ?? 0 })
  getConnection()
    .bridge.restartEngine()
    .then(() => {
      engineStore.dispatch({ type: 'demoLoadFinished' })
      // The banner said the engine was given up on; it is back now.
      engineStore.dispatch({ type: 'errorDismissed' })
    })
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'demoLoadFailed', error: toAppError(error) }),
    )
}

export function dismissError(): void {
  engineStore.dispatch({ type: 'errorDismissed' })
}

export function clearOutput(): void {
  runStore.dispatch({ type: 'cleared' })
  if (!isActive(runStore.getState())) branchStore.dispatch({ type: 'cleared' })
}
