import { fromCompareChanged } from './compare-tree'
import { AppFailure } from './errors'
import { applyChatIntent } from './session-apply-chat'
import { applyComparisonChanged } from './session-apply-compare'
import { applyNodeAdded } from './session-apply-completion'
import { existingNode, refuse, type ApplyOptions } from './session-apply-nodes'
import { applyEntropyRead, applyRunIntent } from './session-apply-runs'
import type { SessionIntent } from './session-intents'
import { arrayTokens, columnTokens, type TokenStore } from './session-token-stores'
import type { SessionDocument } from './sessions'
import type { DocumentWith, StoredDocument } from './stored-document'
import type { RunColumns } from './token-columns'

/**
 * Applies session intents to a document: the host's saved copy (session-store.ts, its runs'
 * tokens held as columns: `applyStoredIntents`) and, for the chat intents, the UI's own copy
 * through `conversationReducer`, so that both end identical. `applyIntents` applies them to a
 * document whose tokens are objects, with the same rules.
 *
 * Documents are treated as values, with one exception: `tokensAdded` appends to the run's tokens
 * in place, so that recording a long run costs O(batch) per batch, never a copy of every token
 * so far. An intent that names a missing node or column, or would make the document fail its
 * schema, is refused with an AppFailure and changes nothing.
 */

/** Applies one intent; throws an AppFailure 'invalid-request' (and changes nothing) if refused. */
export function applyIntentWith<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: SessionIntent,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  switch (intent.type) {
    case 'created':
      return refuse(`Session ${doc.id} already exists.`)
    case 'sent':
    case 'regenerated':
    case 'edited':
    case 'switched':
    case 'systemChanged':
    case 'renamed':
      return applyChatIntent(store, doc, intent)
    case 'leafShown':
      existingNode(doc, intent.nodeId)
      return { ...doc, currentLeafId: intent.nodeId }
    case 'settingsChanged':
      return {
        ...doc,
        settings: intent.settings,
        model: intent.model,
        updatedAt: intent.now ?? options.now,
      }
    case 'nodeAdded':
      return applyNodeAdded(store, doc, intent, options)
    case 'compareChanged':
      return applyIntentWith(
        store,
        doc,
        fromCompareChanged(doc.nodes, intent.compare, intent.now),
        options,
      )
    case 'comparisonChanged':
      return applyComparisonChanged(doc, intent, options)
    case 'runStarted':
    case 'tokensAdded':
    case 'runEnded':
      return applyRunIntent(store, doc, intent, options)
    case 'entropyRead':
      return applyEntropyRead(store, doc, intent, options)
    default:
      // A journal written by a newer Tokenscope may hold intents this one does not know.
      return refuse(`Unknown intent "${String((intent as { type: unknown }).type)}".`)
  }
}

/** Applies one intent to a document whose tokens are objects. */
export const applyIntent = (
  doc: SessionDocument,
  intent: SessionIntent,
  options: ApplyOptions,
): SessionDocument => applyIntentWith(arrayTokens, doc, intent, options) as SessionDocument

/**
 * Applies intents in order, all or none: if one is refused, in-place appends already made are
 * undone and the error names the intent.
 */
export function applyIntentsWith<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intents: readonly SessionIntent[],
  now: string,
  appended?: ApplyOptions<T>['appended'],
): DocumentWith<T> {
  const undo: (() => void)[] = []
  let current = doc
  for (const [i, intent] of intents.entries()) {
    try {
      current = applyIntentWith(store, current, intent, { now, undo, appended })
    } catch (error) {
      for (const step of undo.reverse()) step()
      if (error instanceof AppFailure && intents.length > 1) {
        throw new AppFailure({
          ...error.appError,
          message: `intents.${i} (${intent.type}): ${error.appError.message} Nothing in this update was applied.`,
        })
      }
      throw error
    }
  }
  return current
}

/** `applyIntentsWith` for a document whose tokens are objects (the UI's form). */
export const applyIntents = (
  doc: SessionDocument,
  intents: readonly SessionIntent[],
  now: string,
): SessionDocument => applyIntentsWith(arrayTokens, doc, intents, now) as SessionDocument

/**
 * `applyIntentsWith` for the host's document (tokens as columns). `appended` hears where each
 * `tokensAdded` put its tokens, in order, once all the intents were applied.
 */
export function applyStoredIntents(
  doc: StoredDocument,
  intents: readonly SessionIntent[],
  now: string,
  appended?: (columns: RunColumns, from: number, to: number) => void,
): StoredDocument {
  const ranges: [RunColumns, number, number][] = []
  const result = applyIntentsWith(columnTokens, doc, intents, now, (c, from, to) =>
    ranges.push([c, from, to]),
  )
  if (appended) for (const [c, from, to] of ranges) appended(c, from, to)
  return result
}
