import type { PromptParts } from '../../../../shared/contract'
import type { SessionDocument } from '../../../../shared/sessions'
import {
  conversationReducer,
  type ConversationAction,
  type RunRecord,
} from '../../sessions/conversation'
import { savedParts } from './saved-parts'

/** The conversation on screen, and the reply being streamed into it. */
export interface ChatState {
  doc: SessionDocument
  /** The reply the engine is writing now. */
  live: { nodeId: string; runId: string; docId: string } | null
  /** How the engine split each reply's prompt; worked out again from a reopened session's runs. */
  parts: Readonly<Record<string, PromptParts>>
  /** The context size the last reply ran with. */
  contextSize: number | null
}

export type ChatAction =
  | { type: 'opened'; doc: SessionDocument }
  | {
      type: 'conversation'
      action: ConversationAction
      /** Set when the action starts a reply: the run that writes it. */
      runId?: string
      settings?: SessionDocument['settings']
      model?: SessionDocument['model']
    }
  | { type: 'promptReported'; nodeId: string; parts: PromptParts; contextSize: number }
  | {
      type: 'replyEnded'
      nodeId: string
      text: string
      run: RunRecord | null
      now: string
      model?: SessionDocument['model']
    }

export function initialChatState(doc: SessionDocument): ChatState {
  return { doc, live: null, parts: {}, contextSize: null }
}

function replyIdOf(action: ConversationAction): string | null {
  return action.type === 'sent' || action.type === 'regenerated' || action.type === 'edited'
    ? action.replyId
    : null
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'opened':
      // A reply still streaming for the previous conversation finishes there (see chat-actions).
      return {
        ...initialChatState(action.doc),
        parts: savedParts(action.doc),
        live: state.live,
        contextSize: state.contextSize,
      }
    case 'conversation': {
      const replyId = replyIdOf(action.action)
      if (replyId && state.live) return state
      let doc = conversationReducer(state.doc, action.action)
      if (doc === state.doc) return state
      if (action.settings) doc = { ...doc, settings: action.settings }
      if (action.model !== undefined) doc = { ...doc, model: action.model }
      const live =
        replyId && action.runId
          ? { nodeId: replyId, runId: action.runId, docId: doc.id }
          : state.live
      return { ...state, doc, live }
    }
    case 'promptReported':
      return {
        ...state,
        parts: { ...state.parts, [action.nodeId]: action.parts },
        contextSize: action.contextSize,
      }
    case 'replyEnded': {
      const live = state.live?.nodeId === action.nodeId ? null : state.live
      let doc = conversationReducer(state.doc, {
        type: 'replyFinished',
        nodeId: action.nodeId,
        text: action.text,
        run: action.run,
        now: action.now,
      })
      if (action.model && doc !== state.doc) doc = { ...doc, model: action.model }
      return { ...state, doc, live }
    }
  }
}

/** Whether the reply to `nodeId` is being written now. */
export function isLive(state: ChatState, nodeId: string): boolean {
  return state.live?.nodeId === nodeId && state.live.docId === state.doc.id
}
