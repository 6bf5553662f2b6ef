import { toAppError } from '../../../shared/errors'
import { limits } from '../../../shared/schemas'
import { canGenerate, isLoadingModel } from '../stores/engine-reducer'
import { isActive } from '../stores/run-reducer'
import { engineStore, runStore, settingsStore } from '../stores/stores'
import { routeRunEvents } from './run-events'
import { getConnection, makeRunId } from './session'

/** Alternatives reported for every generated token. */
const alternativesPerToken = 10

/** What components call: each updates the stores and talks to the engine. */
export function startRun(promptText: string): void {
  if (promptText.trim() === '' || isActive(runStore.getState())) return
  if (!canGenerate(engineStore.getState())) return
  const { sampling, maxTokens } = settingsStore.getState()
  const runId = makeRunId()
  runStore.dispatch({ type: 'requested', runId, promptText, sampling, maxTokens })
  routeRunEvents(runId, (events) => {
    const run = runStore.getState()
    // After the link dropped we gave up on the run; what still arrives belongs to no one here.
    if (run.runId === runId && isActive(run)) runStore.dispatch({ type: 'events', events })
    else events.forEach((event) => engineStore.dispatch({ type: 'otherRunEvent', event }))
  })
  const prompt = promptText.slice(0, limits.promptChars)
  getConnection()
    .bridge.generate({ runId, prompt, sampling, maxTokens, topN: alternativesPerToken })
    .catch((error: unknown) => {
      const appError = toAppError(error)
      runStore.dispatch({ type: 'requestFailed', runId, error: appError })
      engineStore.dispatch({ type: 'errorShown', error: appError })
    })
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

export function dismissError(): void {
  engineStore.dispatch({ type: 'errorDismissed' })
}

export function clearOutput(): void {
  runStore.dispatch({ type: 'cleared' })
}
