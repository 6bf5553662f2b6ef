import { useEffect } from 'react'
import { parseStoredSettings } from '../stores/settings'
import { seedLockStore, settingsStore } from '../stores/stores'

const storageKey = 'tokenscope.generation-settings'
const seedLockKey = 'tokenscope.seed-locked'

function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Storage full or unavailable; the settings still apply to this session.
  }
}

/** Restores the sampling settings (and the seed lock) of the last session and saves every change. */
export function useSettingsPersistence(): void {
  useEffect(() => {
    try {
      const saved = parseStoredSettings(localStorage.getItem(storageKey))
      settingsStore.dispatch({ type: 'loaded', settings: saved })
      const locked = localStorage.getItem(seedLockKey) === 'true'
      seedLockStore.dispatch({ type: 'locked', locked })
    } catch {
      // No storage: start from the defaults.
    }
    const stopSettings = settingsStore.subscribe(() => save(storageKey, settingsStore.getState()))
    const stopLock = seedLockStore.subscribe(() => save(seedLockKey, seedLockStore.getState()))
    return () => {
      stopSettings()
      stopLock()
    }
  }, [])
}
