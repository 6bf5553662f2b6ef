import { useEffect } from 'react'
import { loadDemoModel } from '../services/actions'
import { getConnection } from '../services/engine-connection'
import { shouldLoadDemo } from '../stores/engine-reducer'
import { engineStore, runStore } from '../stores/stores'

/** After a restart the host reloads the last model itself; give it this long before we do. */
const restartGraceMs = 3000

/**
 * Keeps the stores in step with the engine: link state and status (the connection hands each run's events to its caller); loads the demo
 * model when a ready engine has none. Mount once, at the top of the app.
 */
export function useEngineSync(): void {
  useEffect(() => {
    const { bridge, onStateChange } = getConnection()
    let graceTimer: ReturnType<typeof setTimeout> | null = null

    const refreshStatus = () => {
      bridge
        .getStatus()
        .then((status) => engineStore.dispatch({ type: 'status', status }))
        .catch(() => {
          // The link dropped again; the next `open` asks once more.
        })
    }
    const offLink = onStateChange((link) => {
      engineStore.dispatch({ type: 'link', link })
      if (link === 'open') refreshStatus()
      // The connection has handed over what arrived and stopped following this page's runs.
      if (link === 'closed') runStore.dispatch({ type: 'connectionLost' })
    })
    const offEvents = bridge.subscribe({
      onStatus: (status) => engineStore.dispatch({ type: 'status', status }),
    })

    const maybeLoadDemo = () => {
      const state = engineStore.getState()
      if (!shouldLoadDemo(state) || graceTimer) return
      if ((state.status?.restarts ?? 0) === 0) {
        loadDemoModel()
        return
      }
      graceTimer = setTimeout(() => {
        graceTimer = null
        if (shouldLoadDemo(engineStore.getState())) loadDemoModel()
      }, restartGraceMs)
    }
    const offEngine = engineStore.subscribe(maybeLoadDemo)
    maybeLoadDemo()

    return () => {
      offLink()
      offEvents()
      offEngine()
      if (graceTimer) clearTimeout(graceTimer)
    }
  }, [])
}
