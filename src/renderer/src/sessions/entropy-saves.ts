import { columnNode } from '../../../shared/compare-tree'
import type { SessionDocument } from '../../../shared/sessions'
import { lineage } from '../stores/branch-paths'
import { branchStore } from '../inspector/stores'
import { chatStore } from '../views/chat/chat-store'
import { isOnHost, sendIntents } from './host-sessions'
import { compareSessionStore, completionSessionStore } from './stores'
import { holdsTree } from './view-sessions'

/**
 * An exact entropy read on demand goes into the saved session, so that the token shows it (and
 * is tinted by it) when the session is opened again, instead of its bounds and the button. Each
 * saver is made when the read is asked for: by the time the engine answers, another session or
 * branch may be on screen.
 */
export type EntropySaver = (bits: number) => void

function saver(doc: SessionDocument | null, nodeId: string, index: number): EntropySaver | null {
  if (!doc || !isOnHost(doc.id) || !doc.nodes.some((n) => n.id === nodeId)) return null
  const sessionId = doc.id
  return (bits) =>
    sendIntents(sessionId, [{ type: 'entropyRead', target: { nodeId }, index, bits }])
}

/** Token `position` of the Completion path on screen: held by the deepest node that reaches it. */
export function completionEntropySaver(position: number): EntropySaver | null {
  const doc = completionSessionStore.getState().doc
  const tree = branchStore.getState()
  if (!holdsTree(doc, tree.order[0])) return null
  // Each node keeps its parent's path up to `forkAt`, then its own tokens.
  const owner = lineage(tree, tree.activeId).findLast((node) => node.forkAt <= position)
  return owner ? saver(doc, owner.id, position - owner.forkAt) : null
}

/** Token `index` of chat message `nodeId`. */
export function chatEntropySaver(nodeId: string, index: number): EntropySaver | null {
  return saver(chatStore.getState().doc, nodeId, index)
}

/** Token `index` of Compare column `key`'s run. */
export function compareEntropySaver(key: string, index: number): EntropySaver | null {
  const doc = compareSessionStore.getState().doc
  const node = doc ? columnNode(doc.nodes, key) : undefined
  return node ? saver(doc, node.id, index) : null
}
