import { activePath } from '../../../shared/session-export'
import type { ChatMessage } from '../../../shared/schemas'
import {
  sessionSchemaVersion,
  type SessionDocument,
  type SessionNode,
} from '../../../shared/sessions'

/** A session's nodes form a tree: every edit or regeneration adds a sibling, nothing is lost. */
export type RunRecord = NonNullable<SessionNode['run']>

export type ConversationAction =
  /** A new user message under the branch on screen, and an empty reply to stream into. */
  | { type: 'sent'; userId: string; replyId: string; text: string; now: string }
  /** A new reply beside `nodeId` (an assistant message), under the same user message. */
  | { type: 'regenerated'; nodeId: string; replyId: string; now: string }
  /** An edited copy of user message `nodeId` beside it, and a new reply under the copy. */
  | { type: 'edited'; nodeId: string; userId: string; replyId: string; text: string; now: string }
  | { type: 'replyFinished'; nodeId: string; text: string; run: RunRecord | null; now: string }
  /** Shows the previous (-1) or next (+1) sibling of `nodeId`, and the newest branch below it. */
  | { type: 'switched'; nodeId: string; step: -1 | 1 }
  | { type: 'systemChanged'; system: string; now: string }
  | { type: 'renamed'; title: string; now: string }

export const titleChars = 60

export function titleFrom(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ')
  return line.length > titleChars ? `${line.slice(0, titleChars - 1)}…` : line
}

export function newSession(
  init: Pick<SessionDocument, 'id' | 'kind' | 'settings' | 'model'> & { now: string },
): SessionDocument {
  return {
    schemaVersion: sessionSchemaVersion,
    id: init.id,
    title: '',
    kind: init.kind,
    createdAt: init.now,
    updatedAt: init.now,
    system: '',
    model: init.model,
    settings: init.settings,
    nodes: [],
    currentLeafId: null,
  }
}

function node(
  id: string,
  parentId: string | null,
  role: SessionNode['role'],
  text: string,
  now: string,
): SessionNode {
  return { id, parentId, role, text, run: null, createdAt: now }
}

function nodeById(doc: SessionDocument, id: string): SessionNode | undefined {
  return doc.nodes.find((n) => n.id === id)
}

/** The nodes sharing `nodeId`'s parent, in the order they were made (itself included). */
export function siblingsOf(doc: SessionDocument, nodeId: string): SessionNode[] {
  const self = nodeById(doc, nodeId)
  if (!self) return []
  return doc.nodes.filter((n) => n.parentId === self.parentId && n.role === self.role)
}

/** Follows the newest child from `nodeId` down to a leaf. */
export function newestLeafBelow(doc: SessionDocument, nodeId: string): string {
  let current = nodeId
  const seen = new Set<string>()
  for (;;) {
    seen.add(current)
    const children = doc.nodes.filter((n) => n.parentId === current)
    const newest = children[children.length - 1]
    if (!newest || seen.has(newest.id)) return current
    current = newest.id
  }
}

function withTitle(doc: SessionDocument, text: string): SessionDocument {
  return doc.title.trim() === '' ? { ...doc, title: titleFrom(text) } : doc
}

export function conversationReducer(
  doc: SessionDocument,
  action: ConversationAction,
): SessionDocument {
  switch (action.type) {
    case 'sent': {
      const parent =
        doc.currentLeafId && nodeById(doc, doc.currentLeafId) ? doc.currentLeafId : null
      const user = node(action.userId, parent, 'user', action.text, action.now)
      const reply = node(action.replyId, action.userId, 'assistant', '', action.now)
      return withTitle(
        {
          ...doc,
          nodes: [...doc.nodes, user, reply],
          currentLeafId: reply.id,
          updatedAt: action.now,
        },
        action.text,
      )
    }
    case 'regenerated': {
      const old = nodeById(doc, action.nodeId)
      if (!old || old.role !== 'assistant') return doc
      const reply = node(action.replyId, old.parentId, 'assistant', '', action.now)
      return {
        ...doc,
        nodes: [...doc.nodes, reply],
        currentLeafId: reply.id,
        updatedAt: action.now,
      }
    }
    case 'edited': {
      const old = nodeById(doc, action.nodeId)
      if (!old || old.role !== 'user') return doc
      const user = node(action.userId, old.parentId, 'user', action.text, action.now)
      const reply = node(action.replyId, action.userId, 'assistant', '', action.now)
      return {
        ...doc,
        nodes: [...doc.nodes, user, reply],
        currentLeafId: reply.id,
        updatedAt: action.now,
      }
    }
    case 'replyFinished': {
      if (!nodeById(doc, action.nodeId)) return doc
      return {
        ...doc,
        nodes: doc.nodes.map((n) =>
          n.id === action.nodeId ? { ...n, text: action.text, run: action.run } : n,
        ),
        updatedAt: action.now,
      }
    }
    case 'switched': {
      const siblings = siblingsOf(doc, action.nodeId)
      const at = siblings.findIndex((n) => n.id === action.nodeId)
      const target = siblings[at + action.step]
      if (at < 0 || !target) return doc
      return { ...doc, currentLeafId: newestLeafBelow(doc, target.id) }
    }
    case 'systemChanged':
      if (action.system === doc.system) return doc
      return { ...doc, system: action.system, updatedAt: action.now }
    case 'renamed': {
      const title = action.title.trim().slice(0, 200)
      if (title === doc.title) return doc
      return { ...doc, title, updatedAt: action.now }
    }
  }
}

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
