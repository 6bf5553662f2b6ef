import { useEffect } from 'react'
import { getConnection } from '../services/engine-connection'
import { flushSystemPrompt, replyConnectionLost } from '../views/chat/chat-actions'
import { refreshSessions, reopenLast } from './session-actions'
import { sessionListStore } from './stores'
import { followCompletionBranches } from './view-sessions'

/**
 * Keeps the sidebar in step with the host, which saves the work: lists the sessions once the
 * host answers and reopens what was on screen before a reload.
 */
export function useSessionsSync(): void {
  useEffect(() => {
    let listedOnce = false
    const offLink = getConnection().onStateChange((link) => {
      if (link === 'closed') replyConnectionLost()
      if (link !== 'open') return
      const first = !listedOnce
      listedOnce = true
      refreshSessions()
        .then(() => (first ? reopenLast() : undefined))
        .catch((error: unknown) =>
          sessionListStore.dispatch({
            type: 'failed',
            error: `The saved sessions could not be listed: ${error instanceof Error ? error.message : String(error)}`,
          }),
        )
    })
    const offBranches = followCompletionBranches()
    // Runs this page started are stopped by the host when the page goes; their tokens are saved.
    const onHide = () => flushSystemPrompt()
    window.addEventListener('pagehide', onHide)
    return () => {
      offLink()
      offBranches()
      window.removeEventListener('pagehide', onHide)
    }
  }, [])
}
