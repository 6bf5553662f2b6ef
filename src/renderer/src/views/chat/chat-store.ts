import type { SessionDocument } from '../../../../shared/sessions'
import { makeRunId } from '../../services/engine-connection'
import { newSession } from '../../sessions/conversation'
import { modelRef } from '../../sessions/records'
import { initialRunState, runReducer } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'
import { engineStore, settingsStore } from '../../stores/stores'
import { chatReducer, initialChatState } from './chat-reducer'

/** Alternatives reported for every generated token, as in Completion. */
export const chatTopN = 10

/** An empty conversation with the current settings and model; saved once it has a message. */
export function blankChat(): SessionDocument {
  const { sampling, maxTokens } = settingsStore.getState()
  return newSession({
    id: makeRunId(),
    kind: 'chat',
    settings: { sampling, maxTokens, topN: chatTopN },
    model: modelRef(engineStore.getState().status?.model),
    now: new Date().toISOString(),
  })
}

export const chatStore = createStore(chatReducer, initialChatState(blankChat()))

/** The reply being streamed, token by token: the same run state Completion uses. */
export const chatRunStore = createStore(runReducer, initialRunState)
