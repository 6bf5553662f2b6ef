import { createStore } from '../stores/store'
import { defaultLayoutPrefs, layoutPrefsReducer, parseLayoutPrefs } from './layout-prefs'

const prefsKey = 'tokenscope.layout'

function readPrefs() {
  try {
    return parseLayoutPrefs(localStorage.getItem(prefsKey))
  } catch {
    return defaultLayoutPrefs
  }
}

/** Open and folded panels; every change is saved at once. */
export const layoutPrefsStore = createStore(layoutPrefsReducer, readPrefs())
layoutPrefsStore.subscribe(() => {
  try {
    localStorage.setItem(prefsKey, JSON.stringify(layoutPrefsStore.getState()))
  } catch {
    // No storage: the layout still holds for this session.
  }
})
