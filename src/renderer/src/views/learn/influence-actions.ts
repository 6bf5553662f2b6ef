import { toAppError } from '../../../../shared/errors'
import { limits } from '../../../../shared/schemas'
import { getConnection, makeRunId } from '../../services/engine-connection'
import { canStartRun } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'
import { influenceStore, isMeasuring } from './influence-store'

/** Measures how much each of the `window` tokens before `position` moves its log-probability. */
export function startInfluence(text: string, position: number, window: number): void {
  if (isMeasuring(influenceStore.getState())) return
  if (!canStartRun(engineStore.getState(), 'influence')) return
  const runId = makeRunId()
  const cap = Math.min(limits.influenceWindow, Math.max(1, Math.round(window)))
  influenceStore.dispatch({ type: 'requested', runId, text, position, window: cap })
  getConnection().followRun(runId, 'influence', (events) =>
    influenceStore.dispatch({ type: 'events', events }),
  )
  getConnection()
    .bridge.influence({ runId, text: text.slice(0, limits.promptChars), position, window: cap })
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      influenceStore.dispatch({ type: 'requestFailed', runId, error: toAppError(error) })
    })
}

export function stopInfluence(): void {
  const state = influenceStore.getState()
  if (!state.runId || !isMeasuring(state) || state.stopping) return
  influenceStore.dispatch({ type: 'cancelRequested', runId: state.runId })
  getConnection()
    .bridge.cancel({ runId: state.runId })
    .catch((error: unknown) =>
      engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
    )
}

// A dropped link ends the measurement on screen: its events will not arrive.
engineStore.subscribe(() => {
  if (engineStore.getState().link === 'closed') influenceStore.dispatch({ type: 'connectionLost' })
})
