import { toAppError } from '../../../../shared/errors'
import type { RunRecording } from '../../../../shared/session-intents'
import { alternativesPerToken } from '../../inspector/stores'
import { rerunInComparison, startComparison } from '../../sessions/view-sessions'
import { getConnection, makeRunId } from '../../services/engine-connection'
import { isActive } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'
import { engineStore, randomSeed, seedLockStore, settingsStore } from '../../stores/stores'
import { compareReducer, initialCompareState } from './compare-reducer'
import {
  isAnyActive,
  requestInput,
  settingsOf,
  type CompareColumn,
  type CompareState,
} from './compare-state'
import { splitByEngine, whyColumnsCannotRun } from './compare-engines'

/** Kept while the user switches tabs; a plain object, so a session can save it as it is. */
export const compareStore = createStore(compareReducer, initialCompareState)

/** Why Generate cannot start now, in words; null when it can. */
export function whyCannotGenerate(prompt: string): string | null {
  return whyColumnsCannotRun(engineStore.getState(), compareStore.getState().columns, prompt)
}

/** Why one column cannot run again alone now; null when it can. */
export function whyColumnCannotRun(column: CompareColumn, prompt: string): string | null {
  return whyColumnsCannotRun(engineStore.getState(), [column], prompt)
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
  getConnection().followRun(runId, 'compare', (events) =>
    compareStore.dispatch({ type: 'events', events }),
  )
}

function failed(runIds: string[], error: unknown): void {
  getConnection().unfollowRuns(runIds)
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

/** The request of one column run alone: on its remote engine, or on the local one. */
function oneRun(state: CompareState, column: CompareColumn, runId: string, record: RunRecording) {
  return {
    runId,
    ...requestInput(state),
    stop: state.stop ?? [],
    topN: alternativesPerToken(),
    sampling: column.settings.sampling,
    maxTokens: column.settings.maxTokens,
    record,
    ...(column.engine && { remote: column.engine }),
  }
}

/**
 * Generates every column at once: the local columns in one `generateMany`, one sequence each;
 * every remote column as its own run on its server. A failure stays in its own column(s).
 */
export function generateAll(): void {
  if (isAnyActive(compareStore.getState())) return
  if (whyCannotGenerate(compareStore.getState().prompt) !== null) return
  const state = drawSeeds(compareStore.getState().columns.map((c) => c.key))
  watchLink()
  const runs = state.columns.map((c) => ({ key: c.key, runId: makeRunId() }))
  compareStore.dispatch({ type: 'runsRequested', runs })
  runs.forEach((r) => route(r.runId))
  const runIdOf = (key: string) => runs.find((r) => r.key === key)?.runId ?? makeRunId()
  const recordIn = startComparison(compareStore.getState(), runIdOf)
  const { local, remote } = splitByEngine(state.columns)
  const { bridge } = getConnection()
  if (local.length > 0) {
    const runIds = local.map((c) => runIdOf(c.key))
    bridge
      .generateMany({
        ...requestInput(state),
        stop: state.stop ?? [],
        topN: alternativesPerToken(),
        runs: local.map((c, i) => ({
          runId: runIds[i] ?? makeRunId(),
          sampling: c.settings.sampling,
          maxTokens: c.settings.maxTokens,
          record: recordIn(c.key),
        })),
      })
      .catch((error: unknown) => failed(runIds, error))
  }
  for (const column of remote) {
    const runId = runIdOf(column.key)
    bridge
      .generate(oneRun(state, column, runId, recordIn(column.key)))
      .catch((error: unknown) => failed([runId], error))
  }
}

/** Generates one column again, alone, with its current settings. */
export function rerunColumn(key: string): void {
  const before = compareStore.getState()
  const target = before.columns.find((c) => c.key === key)
  if (!target || isAnyActive(before) || whyColumnCannotRun(target, before.prompt) !== null) return
  // With the same seed for all, one column alone keeps it: the others' texts were drawn with it.
  const state = before.sameSeed ? before : drawSeeds([key])
  const column = state.columns.find((c) => c.key === key)
  if (!column) return
  watchLink()
  const runId = makeRunId()
  compareStore.dispatch({ type: 'runsRequested', runs: [{ key, runId }] })
  route(runId)
  getConnection()
    .bridge.generate(
      oneRun(state, column, runId, rerunInComparison(compareStore.getState(), key, runId)),
    )
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
