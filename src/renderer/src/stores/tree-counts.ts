import { type BranchNode, type BranchTree } from './branch-tree'
import { isContinuation, lineage } from './branch-paths'

/** Counting in the branch tree without building paths: for headers, gauges and the branch bar. */

/** How many generated tokens the path to `id` holds, without building it. */
export function pathLength(tree: BranchTree, id: string | null): number {
  let length = 0
  for (const node of lineage(tree, id)) {
    length = Math.min(length, node.forkAt)
    for (const chunk of node.tokens) length += chunk.length
  }
  return length
}

/**
 * How many runs of the prompt (Generate presses) and how many forced branches the tree holds; a
 * continuation (Continue) is neither: it lengthens the text it continues.
 */
export function treeCounts(tree: BranchTree): { runs: number; branches: number } {
  let runs = 0
  let branches = 0
  for (const id of tree.order) {
    const node = tree.nodes[id]
    if (node?.origin === 'run') runs++
    else if (node && !isContinuation(tree, node)) branches++
  }
  return { runs, branches }
}

/** The 1-based number of a node among the nodes of its origin, in the order they were made. */
export function numberAmong(tree: BranchTree, node: BranchNode): number {
  const same = tree.order.filter((id) => tree.nodes[id]?.origin === node.origin)
  return same.indexOf(node.id) + 1
}
