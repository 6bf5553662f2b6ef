import { toAppError } from '../../../../shared/errors'
import { defaultSampling, limits, neutralSampling } from '../../../../shared/schemas'
import { inspectorPrefsStore } from '../../inspector/stores'
import { getConnection, makeRunId } from '../../services/engine-connection'
import { canStartRun } from '../../stores/engine-reducer'
import { initialRunState, isActive, runReducer } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'
import { engineStore } from '../../stores/stores'

/** The scored text on screen: a run whose "generated" tokens are the text's own (kept across tabs). */
export const scoreStore = createStore(runReducer, initialRunState)

/** Reads `text` with the loaded model, every token given the ones before it. */
export function startScoring(text: string): void {
  if (text.trim() === '' || isActive(scoreStore.getState())) return
  if (!canStartRun(engineStore.getState(), 'score')) return
  const runId = makeRunId()
  const sampling = { ...defaultSampling, ...neutralSampling }
  scoreStore.dispatch({
    type: 'requested',
    runId,
    promptText: text,
    sampling,
    maxTokens: limits.maxTokens,
  })
  getConnection().followRun(runId, 'score', (events) => {
    if (scoreStore.getState().runId === runId) scoreStore.dispatch({ type: 'events', events })
  })
  getConnection()
    .bridge.score({
      runId,
      text: text.slice(0, limits.promptChars),
      topN: inspectorPrefsStore.getState().topN,
    })
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      const appError = toAppError(error)
      scoreStore.dispatch({ type: 'requestFailed', runId, error: appError })
      engineStore.dispatch({ type: 'errorShown', error: appError })
    })
}

export function stopScoring(): void {
  const run = scoreStore.getState()
  if (!run.runId || !isActive(run) || run.stopping) return
  scoreStore.dispatch({ type: 'cancelRequested', runId: run.runId })
  getConnection()
    .bridge.cancel({ runId: run.runId })
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
    )
}
