import { columnNode } from '../../../shared/compare-tree'
import type { SessionDocument } from '../../../shared/sessions'
import { lineage } from '../stores/branch-tree'
import { branchStore } from '../inspector/stores'
import { chatStore } from '../views/chat/chat-store'
import { isOnHost, sendIntents } from './host-sessions'
import { compareSessionStore, completionSessionStore } from './stores'
import { holdsTree } from './view-sessions'

/**
 * An exact entropy read on demand goes into the saved session, so that the token shows it (and
 * is tinted by it) when the session is opened again, instead of its bounds and the button.
 */
function save(doc: SessionDocument | null, nodeId: string, index: number, bits: number) {
  if (!doc || !isOnHost(doc.id) || !doc.nodes.some((n) => n.id === nodeId)) return
  sendIntents(doc.id, [{ type: 'entropyRead', target: { nodeId }, index, bits }])
}

/** Token `position` of the Completion path on screen: held by the deepest node that reaches it. */
export function saveCompletionEntropy(position: number, bits: number): void {
  const doc = completionSessionStore.getState().doc
  const tree = branchStore.getState()
  if (!holdsTree(doc, tree.order[0])) return
  // Each node keeps its parent's path up to `forkAt`, then its own tokens.
  const owner = lineage(tree, tree.activeId).findLast((node) => node.forkAt <= position)
  if (owner) save(doc, owner.id, position - owner.forkAt, bits)
}

/** Token `index` of chat message `nodeId`. */
export function saveChatEntropy(nodeId: string, index: number, bits: number): void {
  save(chatStore.getState().doc, nodeId, index, bits)
}

/** Token `index` of Compare column `key`'s run. */
export function saveCompareEntropy(key: string, index: number, bits: number): void {
  const doc = compareSessionStore.getState().doc
  const node = doc ? columnNode(doc.nodes, key) : undefined
  if (node) save(doc, node.id, index, bits)
}
