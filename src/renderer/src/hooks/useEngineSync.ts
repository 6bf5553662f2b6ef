import { useEffect } from 'react'
import type { RunEvent } from '../../../shared/contract'
import { loadDemoModel } from '../services/actions'
import { getConnection } from '../services/session'
import { shouldLoadDemo } from '../stores/engine-reducer'
import { deliverRunEvents, isRouted, unrouteAllRuns } from '../services/run-events'
import { engineStore, runStore } from '../stores/stores'

/** After a restart the host reloads the last model itself; give it this long before we do. */
const restartGraceMs = 3000

/**
 * Keeps the stores in step with the engine: link state, status, run events; loads the demo
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
    // Events of this page's runs are applied once per frame: however the batches arrive, the
    // transcript then renders and lays out at most once per frame. They are applied in a task
    // of their own right after the frame (a message posted from its animation-frame callback),
    // not inside it: React's render and the browser's layout and paint are then two tasks of
    // ~15 ms with room for input between them, rather than one of ~35 ms.
    let pending: RunEvent[] = []
    let frame = 0
    const afterFrame = new MessageChannel()
    afterFrame.port1.onmessage = () => flush()
    let fallback: ReturnType<typeof setTimeout> | null = null
    const flush = () => {
      cancelAnimationFrame(frame)
      if (fallback) clearTimeout(fallback)
      frame = 0
      fallback = null
      const events = pending
      pending = []
      if (events.length > 0) deliverRunEvents(events)
      for (const event of events) {
        if (event.kind !== 'failed') continue
        if (event.error.code === 'engine-crashed') {
          engineStore.dispatch({ type: 'runCrashed' })
          refreshStatus()
        } else {
          engineStore.dispatch({ type: 'errorShown', error: event.error })
        }
      }
    }
    const offLink = onStateChange((link) => {
      engineStore.dispatch({ type: 'link', link })
      if (link === 'open') refreshStatus()
      if (link === 'closed') {
        flush()
        runStore.dispatch({ type: 'connectionLost' })
        unrouteAllRuns()
      }
    })
    const offEvents = bridge.subscribe({
      onStatus: (status) => engineStore.dispatch({ type: 'status', status }),
      onRunEvent: (event) => {
        if (!isRouted(event.runId)) {
          engineStore.dispatch({ type: 'otherRunEvent', event })
          return
        }
        pending.push(event)
        if (frame === 0) frame = requestAnimationFrame(() => afterFrame.port2.postMessage(null))
        // A hidden page gets no animation frames; it still has to reach `ended`.
        fallback ??= setTimeout(flush, 250)
      },
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
      flush()
      afterFrame.port1.close()
    }
  }, [])
}
