import type { GeneratedToken, TokenCandidate } from './contract'
import { sessionSchemaVersion, type SessionDocument, type SessionNode } from './sessions'
import { splitReply } from './thoughts'

/**
 * A session's conversation tree and the rules both sides apply to it: the UI to its own copy,
 * the host (session-apply-chat.ts) to the saved one. Both must end identical, so the rules live
 * here.
 */

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

/** Marks like `<|im_end|>` or `</s>` that end a turn: shown as chips, not part of the reply. */
export const endMarker = /^(<\|[^|]*\|>|<\/s>|<eos>|<end_of_turn>)$/

/**
 * The reply's text as the next turn's history holds it: its answer, without the reasoning before
 * it (as reasoning models' templates drop it) and without the end-of-turn token that closed it.
 */
export function replyText(tokens: readonly GeneratedToken[], reason: RunRecord['stopReason']) {
  const { thought, answer } = splitReply(tokens)
  const last = answer[answer.length - 1]
  const kept =
    reason === 'end-of-generation' && last && endMarker.test(last.text.trim())
      ? answer.slice(0, -1)
      : answer
  const text = kept.map((t) => t.text).join('')
  return thought.length > 0 ? text.trimStart() : text
}

const unit = (p: number) => Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0))
const inUnit = (p: number) => p >= 0 && p <= 1

function candidate<T extends TokenCandidate>(c: T): T {
  return { ...c, modelProb: unit(c.modelProb), samplingProb: unit(c.samplingProb) }
}

const storableCandidate = (c: TokenCandidate) => inUnit(c.modelProb) && inUnit(c.samplingProb)

/**
 * Rounding can put a probability a hair outside [0, 1]; the saved file must pass the schema.
 * A token that needs no clamping (nearly all) is kept as it is, not copied: a long run's tokens
 * and their alternatives are then held once in memory, not once more per saved document.
 */
export function storableToken(token: GeneratedToken): GeneratedToken {
  if (
    storableCandidate(token) &&
    token.entropyBits >= 0 &&
    inUnit(token.tailMass) &&
    token.alternatives.every(storableCandidate) &&
    (token.moreCandidates?.every(storableCandidate) ?? true)
  )
    return token
  return {
    ...candidate(token),
    entropyBits: Math.max(0, token.entropyBits),
    tailMass: unit(token.tailMass),
    alternatives: token.alternatives.map(candidate),
    ...(token.moreCandidates && { moreCandidates: token.moreCandidates.map(candidate) }),
  }
}
