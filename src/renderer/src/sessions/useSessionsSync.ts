import { useEffect } from 'react'
import { getConnection } from '../services/session'
import { keepPartialReply, replyConnectionLost } from '../views/chat/chat-actions'
import { keepUnfinishedSaves, rescueUnsaved } from './rescue'
import { autosaver } from './saving'
import { refreshSessions, reopenLast, startNewChat } from './session-actions'
import { sessionListStore } from './stores'
import {
  autosaveChat,
  autosaveComparisons,
  autosaveCompletions,
  keepRunningWork,
} from './view-autosave'

/**
 * Keeps the sidebar and the saved files in step with the work: lists the sessions once the host
 * answers, reopens what was on screen before a reload, saves as the user works.
 */
export function useSessionsSync(): void {
  useEffect(() => {
    let listedOnce = false
    const offLink = getConnection().onStateChange((link) => {
      if (link === 'closed') replyConnectionLost()
      if (link !== 'open') return
      const first = !listedOnce
      listedOnce = true
      // Work cut short by the last reload is saved before the list is read.
      const rescued = first ? rescueUnsaved() : Promise.resolve()
      rescued
        .then(refreshSessions)
        .then(() => (first ? reopenLast() : undefined))
        .catch((error: unknown) =>
          sessionListStore.dispatch({
            type: 'failed',
            error: `The saved sessions could not be listed: ${error instanceof Error ? error.message : String(error)}`,
          }),
        )
    })
    const offChat = autosaveChat()
    const offCompletion = autosaveCompletions()
    const offCompare = autosaveComparisons()
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'n') {
        event.preventDefault()
        startNewChat()
      }
    }
    // Leaving the page: write what is still waiting.
    const onHide = () => {
      keepPartialReply()
      keepRunningWork()
      keepUnfinishedSaves()
      void autosaver.flush()
    }
    document.addEventListener('keydown', onKey)
    window.addEventListener('pagehide', onHide)
    return () => {
      offLink()
      offChat()
      offCompletion()
      offCompare()
      document.removeEventListener('keydown', onKey)
      window.removeEventListener('pagehide', onHide)
    }
  }, [])
}
