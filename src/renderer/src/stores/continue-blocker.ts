import type { BranchTree } from './branch-tree'
import { pathTokens } from './branch-tree'

/** Why the shown Completion text cannot be continued; null when it can. */
export function continueBlocker(tree: BranchTree): string | null {
  const leaf = tree.activeId ? tree.nodes[tree.activeId] : undefined
  if (!leaf) return 'Generate a text first'
  if (leaf.status === 'running') return 'Wait for the run to finish'
  if (leaf.stopReason === 'end-of-generation')
    return 'The model ended this text with its end-of-text token'
  if (leaf.stopReason === 'context-full') return 'The context is full'
  if (pathTokens(tree, leaf.id).length === 0) return 'Nothing was generated to continue'
  return null
}
