import { limits, type SamplingSettings } from '../../../shared/schemas'
import { createStore } from './store'
import { settingsStore } from './stores'

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
