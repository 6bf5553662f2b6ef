import { useEffect } from 'react'
import { useStore } from '../../hooks/useStore'
import { getConnection } from '../../services/engine-connection'
import { engineStore } from '../../stores/stores'

/**
 * Asks the engine to match the loaded model's chat template while Chat is open: node-llama-cpp
 * compares it with its own wrappers, which blocks the engine for most of a second once per loaded
 * model (the demo model's first reply took 1.0 s to its first token, the next 14 ms). Done while
 * the user writes, the first reply starts at once. A model loaded again is prepared again.
 */
export function usePrepareChat(remote: boolean): void {
  const loadedPath = useStore(engineStore, (s) =>
    !remote && s.status?.state === 'ready' ? (s.status.model?.path ?? null) : null,
  )
  useEffect(() => {
    if (loadedPath === null) return
    getConnection()
      .bridge.prepareChat()
      .catch(() => {
        // Only a head start: the first chat matches the template itself and reports what fails.
      })
  }, [loadedPath])
}
