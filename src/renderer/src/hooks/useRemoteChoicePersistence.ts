import { useEffect } from 'react'
import { remoteChoiceSchema } from '../../../shared/remote'
import { remoteEngineStore, type ChosenRemote } from '../stores/remote-engine'
import { engineStore } from '../stores/stores'
import { refreshEndpoints } from '../views/models/remote-actions'

const storageKey = 'tokenscope.remote-engine'

/** The saved choice, if it is one; anything else (an older shape, an edit by hand) is none. */
export function parseStoredChoice(text: string | null): ChosenRemote | null {
  if (!text) return null
  try {
    const value = JSON.parse(text) as { url?: unknown }
    const parsed = remoteChoiceSchema.safeParse(value)
    return parsed.success && typeof value.url === 'string'
      ? { ...parsed.data, url: value.url }
      : null
  } catch {
    return null
  }
}

/**
 * Keeps the engine choice (a remote model, or the local engine) across reloads, and asks the
 * host for its endpoints once connected: a choice whose endpoint is gone falls back to local.
 */
export function useRemoteChoicePersistence(): void {
  useEffect(() => {
    try {
      const saved = parseStoredChoice(localStorage.getItem(storageKey))
      if (saved) remoteEngineStore.dispatch({ type: 'chosen', choice: saved })
    } catch {
      // No storage: the local engine, as on a first start.
    }
    let asked = false
    const ask = () => {
      if (asked || engineStore.getState().link !== 'open') return
      asked = true
      void refreshEndpoints()
    }
    ask()
    const stopLink = engineStore.subscribe(ask)
    let last = remoteEngineStore.getState().choice
    const stopChoice = remoteEngineStore.subscribe(() => {
      const { choice } = remoteEngineStore.getState()
      if (choice === last) return
      last = choice
      try {
        if (choice) localStorage.setItem(storageKey, JSON.stringify(choice))
        else localStorage.removeItem(storageKey)
      } catch {
        // Storage full or unavailable; the choice holds for this page.
      }
    })
    return () => {
      stopLink()
      stopChoice()
    }
  }, [])
}
