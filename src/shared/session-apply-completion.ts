import {
  checkNewIds,
  existingNode,
  findNode,
  maxNodeText,
  refuse,
  withAddedNodes,
  type ApplyOptions,
} from './session-apply-nodes'
import type { SessionIntent } from './session-intents'
import type { TokenStore } from './session-token-stores'
import type { DocumentWith, NodeWith, RunWith } from './stored-document'

/** Applies a `nodeAdded`: a node of a completion tree, or a branch with the alternative picked. */
export function applyNodeAdded<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: Extract<SessionIntent, { type: 'nodeAdded' }>,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  const { node, first } = legacyBranch(intent)
  checkNewIds(doc, node.id)
  const parent = node.parentId === null ? null : existingNode(doc, node.parentId, 'parent node')
  if (node.forkAt !== undefined && node.forkAt > 0) {
    const length = parent ? pathLength(store, doc, parent.id) : 0
    if (node.forkAt > length) refuse(`Node ${node.parentId}'s text has only ${length} tokens.`)
  }
  let run: RunWith<T> | null = null
  if (first) {
    // A branch: its run starts with the alternative picked, after its parent's kept part.
    const source = parent?.run ?? refuse(`Node ${node.parentId} has no run to branch from.`)
    run = {
      prompt: source.prompt,
      tokens: store.prefix(store.empty(), 0, first),
      stopReason: 'cancelled',
      sampling: source.sampling,
      tokensPerSecond: null,
      timeToFirstTokenMs: null,
    }
  }
  if (node.text.length > maxNodeText) refuse(`The text of node ${node.id} is too long.`)
  return withAddedNodes(doc, [{ ...node, run }], { updatedAt: intent.now ?? options.now })
}

/**
 * A `nodeAdded` as format 2 reads it. Journals written by format 1 added a branch under the
 * prompt, naming its tree parent in `branchOf` and starting its run with `prefix.count` tokens
 * of `prefix.fromNodeId`'s whole path: the branch leaves its parent there, and keeps only the
 * pick (completion-tree.ts).
 */
function legacyBranch(intent: Extract<SessionIntent, { type: 'nodeAdded' }>) {
  const { prefix } = intent
  if (!prefix) return { node: intent.node, first: intent.first }
  const { branchOf, ...node } = intent.node
  return {
    node: { ...node, parentId: branchOf ?? prefix.fromNodeId, forkAt: prefix.count },
    first: prefix.first ?? undefined,
  }
}

/** How many tokens the text ending at node `id` holds: its ancestors' kept parts and its own. */
function pathLength<T>(store: TokenStore<T>, doc: DocumentWith<T>, id: string): number {
  const chain: NodeWith<T>[] = []
  const seen = new Set<string>()
  for (let node = findNode(doc, id); node && !seen.has(node.id);) {
    seen.add(node.id)
    chain.unshift(node)
    node = node.parentId === null ? undefined : findNode(doc, node.parentId)
  }
  let length = 0
  for (const node of chain) {
    length = Math.min(length, node.forkAt ?? 0)
    length += node.run ? store.length(node.run.tokens) : 0
  }
  return length
}
