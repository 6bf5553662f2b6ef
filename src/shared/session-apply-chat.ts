import { conversationReducer } from './conversation'
import { checkNewIds, existingNode, refuse, withNode } from './session-apply-nodes'
import type { SessionIntent } from './session-intents'
import type { TokenStore } from './session-token-stores'
import type { SessionDocument } from './sessions'
import type { DocumentWith, RunWith } from './stored-document'

/** The intents of a chat, which `conversationReducer` applies to the UI's copy too. */
export type ChatIntent = Extract<
  SessionIntent,
  { type: 'sent' | 'regenerated' | 'edited' | 'switched' | 'systemChanged' | 'renamed' }
>

/**
 * The chat rules (conversation.ts) for any document: they add nodes without runs and move the
 * current leaf, and pass every run through untouched, whatever holds its tokens.
 */
const conversation = <T>(doc: DocumentWith<T>, intent: Parameters<typeof conversationReducer>[1]) =>
  conversationReducer(doc as unknown as SessionDocument, intent) as unknown as DocumentWith<T>

/** Applies a chat intent (see `applyIntentWith`). */
export function applyChatIntent<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: ChatIntent,
): DocumentWith<T> {
  switch (intent.type) {
    case 'sent':
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversation(doc, intent)
    case 'regenerated': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'assistant') refuse(`Node ${old.id} is not a reply.`)
      checkNewIds(doc, intent.replyId)
      const { prefix, ...regenerated } = intent
      const next = conversation(doc, regenerated)
      if (!prefix) return next
      // A branch of the reply: its run holds the kept tokens and the pick before it continues.
      const source = old.run ?? refuse(`Node ${old.id} has no run to branch from.`)
      const length = store.length(source.tokens)
      if (prefix.count > length) refuse(`Node ${old.id}'s run has only ${length} tokens.`)
      const run: RunWith<T> = {
        prompt: source.prompt,
        tokens: store.prefix(source.tokens, prefix.count, prefix.first),
        stopReason: 'cancelled',
        sampling: source.sampling,
        tokensPerSecond: null,
        timeToFirstTokenMs: null,
      }
      return withNode(next, { ...existingNode(next, intent.replyId), run })
    }
    case 'edited': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'user') refuse(`Node ${old.id} is not a user message.`)
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversation(doc, intent)
    }
    case 'switched':
      existingNode(doc, intent.nodeId)
      return conversation(doc, intent)
    case 'systemChanged':
    case 'renamed':
      return conversation(doc, intent)
  }
}
