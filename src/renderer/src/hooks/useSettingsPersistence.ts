import { useEffect } from 'react'
import { parseStoredSettings } from '../stores/settings'
import { settingsStore } from '../stores/stores'

const storageKey = 'tokenscope.generation-settings'

/** Restores the sampling settings of the last session and saves every change. */
export function useSettingsPersistence(): void {
  useEffect(() => {
    try {
      const saved = parseStoredSettings(localStorage.getItem(storageKey))
      settingsStore.dispatch({ type: 'loaded', settings: saved })
    } catch {
      // No storage: start from the defaults.
    }
    return settingsStore.subscribe(() => {
      try {
        localStorage.setItem(storageKey, JSON.stringify(settingsStore.getState()))
      } catch {
        // Storage full or unavailable; the settings still apply to this session.
      }
    })
  }, [])
}
