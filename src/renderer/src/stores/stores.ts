import { engineReducer, initialEngineState } from './engine-reducer'
import { initialRunStatus, runStatusReducer } from './run-status'
import { defaultGenerationSettings, settingsReducer } from './settings'
import { createStore } from './store'

/** The app's stores, one per domain. Hooks connect them to the engine; components read them. */
export const engineStore = createStore(engineReducer, initialEngineState)
/** Completion's run: its status only; its tokens are in the branch tree (`branchStore`). */
export const runStore = createStore(runStatusReducer, initialRunStatus)
export const settingsStore = createStore(settingsReducer, defaultGenerationSettings)
