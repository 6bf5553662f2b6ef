import { engineReducer, initialEngineState } from './engine-reducer'
import { initialRunState, runReducer } from './run-reducer'
import { defaultGenerationSettings, settingsReducer } from './settings'
import { createStore } from './store'

/** The app's stores, one per domain. Hooks connect them to the engine; components read them. */
export const engineStore = createStore(engineReducer, initialEngineState)
export const runStore = createStore(runReducer, initialRunState)
export const settingsStore = createStore(settingsReducer, defaultGenerationSettings)
