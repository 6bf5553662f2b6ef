import { limits, type SamplingSettings } from '../../../shared/schemas'
import { engineReducer, initialEngineState } from './engine-reducer'
import { initialRunStatus, runStatusReducer } from './run-status'
import { defaultGenerationSettings, settingsReducer } from './settings'
import { createStore } from './store'

/** The app's stores, one per domain. Hooks connect them to the engine; components read them. */
export const engineStore = createStore(engineReducer, initialEngineState)
/** Completion's run: its status only; its tokens are in the branch tree (`branchStore`). */
export const runStore = createStore(runStatusReducer, initialRunStatus)
export const settingsStore = createStore(settingsReducer, defaultGenerationSettings)

/**
 * Whether runs reuse the seed in the panel. Unlocked (the default), every run draws a new seed,
 * so pressing Generate again gives another text; the drawn seed is shown in the panel and saved
 * with the run, and locking it reproduces that run exactly.
 */
export type SeedLockAction = { type: 'locked'; locked: boolean }

export const seedLockStore = createStore(
  (locked: boolean, action: SeedLockAction) => action.locked,
  false,
)

export function randomSeed(): number {
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1))
  return value % (limits.seed + 1)
}

/** The sampling a new run uses: the panel's, with a fresh seed unless the seed is locked. */
export function samplingForRun(): SamplingSettings {
  if (!seedLockStore.getState())
    settingsStore.dispatch({ type: 'set', key: 'seed', value: randomSeed() })
  return settingsStore.getState().sampling
}

/** A seed typed by hand is one the person wants to keep. */
export function setSeedByHand(seed: number): void {
  settingsStore.dispatch({ type: 'set', key: 'seed', value: seed })
  seedLockStore.dispatch({ type: 'locked', locked: true })
}
