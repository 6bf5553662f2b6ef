import { activePath } from '../../../shared/session-export'
import type { ChatMessage } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'

// The rules the host applies too live in shared; the view's helpers below only read.
export {
  conversationReducer,
  newSession,
  newestLeafBelow,
  siblingsOf,
  titleChars,
  titleFrom,
  type ConversationAction,
  type RunRecord,
} from '../../../shared/conversation'

/** The branch on screen, root first. */
export function visibleMessages(doc: SessionDocument): SessionNode[] {
  return activePath(doc)
}

/**
 * The messages the engine should answer to produce `replyId`: every message on its branch before
 * it. Replies that produced no text (failed before the first token) are left out.
 */
export function chatNodesBefore(doc: SessionDocument, replyId: string): SessionNode[] {
  return activePath(doc, replyId)
    .slice(0, -1)
    .filter((n) => n.role === 'user' || (n.role === 'assistant' && n.text !== ''))
}

export function chatMessagesBefore(doc: SessionDocument, replyId: string): ChatMessage[] {
  return chatNodesBefore(doc, replyId).map((n) => ({
    role: n.role === 'user' ? 'user' : 'assistant',
    content: n.text,
  }))
}

/** Whether the document holds anything worth saving. */
export function hasContent(doc: SessionDocument): boolean {
  return doc.nodes.length > 0
}
