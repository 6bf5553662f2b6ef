import { branchTreeReducer, emptyBranchTree } from '../stores/branch-tree'
import { createStore } from '../stores/store'
import {
  defaultInspectorPrefs,
  inspectorPrefsReducer,
  parseInspectorPrefs,
  serializeInspectorPrefs,
} from './prefs'

const prefsKey = 'tokenscope.inspector'

function readPrefs() {
  try {
    return parseInspectorPrefs(localStorage.getItem(prefsKey))
  } catch {
    return defaultInspectorPrefs
  }
}

/** Colour mode, alternatives per token and saved presets; every change is saved at once. */
export const inspectorPrefsStore = createStore(inspectorPrefsReducer, readPrefs())
inspectorPrefsStore.subscribe(() => {
  try {
    localStorage.setItem(prefsKey, serializeInspectorPrefs(inspectorPrefsStore.getState()))
  } catch {
    // No storage: the preferences still hold for this session.
  }
})

/** The Completion view's branches. Plain data: a session can save `getState()` as JSON. */
export const branchStore = createStore(branchTreeReducer, emptyBranchTree)

/** Alternatives reported for every generated token: the inspector's N, as in Completion. */
export function alternativesPerToken(): number {
  return inspectorPrefsStore.getState().topN
}
