import { toAppError } from '../../../../shared/errors'
import { inspectorPrefsStore } from '../../inspector/stores'
import { routeRunEvents, unrouteRuns } from '../../services/run-events'
import { rerunInComparison, startComparison } from '../../sessions/view-sessions'
import { getConnection, makeRunId } from '../../services/session'
import { busyReason, notReadyReason } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'
import { randomSeed, seedLockStore } from '../../stores/seed'
import { engineStore, settingsStore } from '../../stores/stores'
import {
  compareReducer,
  initialCompareState,
  isAnyActive,
  requestInput,
  settingsOf,
  type CompareState,
} from './compare-reducer'

/** Kept while the user switches tabs; a plain object, so a session can save it as it is. */
export const compareStore = createStore(compareReducer, initialCompareState)

/** Alternatives reported for every generated token: the inspector's N, as in Completion. */
export function alternativesPerToken(): number {
  return inspectorPrefsStore.getState().topN
}

/** Why Generate cannot start now, in words; null when it can. */
export function whyCannotGenerate(prompt: string): string | null {
  const engine = engineStore.getState()
  const notReady = notReadyReason(engine)
  if (notReady) return notReady
  if (prompt.trim() === '') return 'Type a prompt first'
  // The Completion or Chat tab's run, or another window's: the engine does one at a time.
  return busyReason(engine, 'compare')
}

let watchingLink = false

/** Runs this page gave up on when the link dropped end here; stays subscribed for the page's life. */
function watchLink(): void {
  if (watchingLink) return
  watchingLink = true
  engineStore.subscribe(() => {
    if (engineStore.getState().link === 'closed') compareStore.dispatch({ type: 'connectionLost' })
  })
}

function route(runId: string): void {
  routeRunEvents(runId, 'compare', (events) => compareStore.dispatch({ type: 'events', events }))
}

function failed(runIds: string[], error: unknown): void {
  unrouteRuns(runIds)
  const appError = toAppError(error)
  compareStore.dispatch({ type: 'requestFailed', runIds, error: appError })
  engineStore.dispatch({ type: 'errorShown', error: appError })
}

/**
 * New seeds for the columns `keys` unless the seeds are locked: one for all with the same seed,
 * else one each. Returns the state the run goes out with.
 */
function drawSeeds(keys: readonly string[]): CompareState {
  const state = compareStore.getState()
  if (state.seedsLocked || keys.length === 0) return state
  const shared = randomSeed()
  const seeds = Object.fromEntries(
    keys.map((key) => [key, state.sameSeed ? shared : randomSeed()] as const),
  )
  compareStore.dispatch({ type: 'seedsDrawn', seeds })
  return compareStore.getState()
}

/** Generates every column at once: one `generateMany`, one sequence per column. */
export function generateAll(): void {
  if (isAnyActive(compareStore.getState())) return
  if (whyCannotGenerate(compareStore.getState().prompt) !== null) return
  const state = drawSeeds(compareStore.getState().columns.map((c) => c.key))
  watchLink()
  const runs = state.columns.map((c) => ({ key: c.key, runId: makeRunId() }))
  compareStore.dispatch({ type: 'runsRequested', runs })
  runs.forEach((r) => route(r.runId))
  const runIds = runs.map((r) => r.runId)
  const recordIn = startComparison(compareStore.getState())
  getConnection()
    .bridge.generateMany({
      ...requestInput(state),
      stop: state.stop ?? [],
      topN: alternativesPerToken(),
      runs: state.columns.map((c, i) => ({
        runId: runIds[i] ?? makeRunId(),
        sampling: c.settings.sampling,
        maxTokens: c.settings.maxTokens,
        record: recordIn(c.key),
      })),
    })
    .catch((error: unknown) => failed(runIds, error))
}

/** Generates one column again, alone, with its current settings. */
export function rerunColumn(key: string): void {
  const before = compareStore.getState()
  if (isAnyActive(before) || whyCannotGenerate(before.prompt) !== null) return
  // With the same seed for all, one column alone keeps it: the others' texts were drawn with it.
  const state = before.sameSeed ? before : drawSeeds([key])
  const column = state.columns.find((c) => c.key === key)
  if (!column) return
  watchLink()
  const runId = makeRunId()
  compareStore.dispatch({ type: 'runsRequested', runs: [{ key, runId }] })
  route(runId)
  getConnection()
    .bridge.generate({
      runId,
      ...requestInput(state),
      stop: state.stop ?? [],
      topN: alternativesPerToken(),
      sampling: column.settings.sampling,
      maxTokens: column.settings.maxTokens,
      record: rerunInComparison(compareStore.getState(), key),
    })
    .catch((error: unknown) => failed([runId], error))
}

function cancel(runIds: string[]): void {
  if (runIds.length === 0) return
  compareStore.dispatch({ type: 'cancelRequested', runIds })
  const { bridge } = getConnection()
  for (const runId of runIds) {
    bridge
      .cancel({ runId })
      .catch((error: unknown) =>
        engineStore.dispatch({ type: 'errorShown', error: toAppError(error) }),
      )
  }
}

function activeRunIds(keys?: string[]): string[] {
  return compareStore
    .getState()
    .columns.filter((c) => (keys ? keys.includes(c.key) : true))
    .filter((c) => isActive(c.run) && !c.run.stopping && c.run.runId !== null)
    .map((c) => c.run.runId ?? '')
}

export function stopAll(): void {
  cancel(activeRunIds())
}

export function stopColumn(key: string): void {
  cancel(activeRunIds([key]))
}

/** Makes a column's settings the main view's; true when there was such a column. */
export function copyColumnSettings(key: string): boolean {
  const settings = settingsOf(compareStore.getState(), key)
  if (!settings) return false
  settingsStore.dispatch({ type: 'loaded', settings })
  // The column's seed comes along locked, so Completion can reproduce the column's text.
  seedLockStore.dispatch({ type: 'locked', locked: true })
  return true
}
