import type { BranchTree } from './branch-tree'
import { pathTokens } from './branch-tree'

/** Why the shown Completion text cannot be continued; null when it can. */
export function continueBlocker(tree: BranchTree): string | null {
  const leaf = tree.activeId ? tree.nodes[tree.activeId] : undefined
  if (!leaf) return 'Generate a text first'
  if (leaf.status === 'running') return 'Wait for the run to finish'
  // A run's tokens all come from one engine: its first says which.
  if (leaf.tokens[0]?.[0]?.reported)
    return 'Continuing needs the local engine’s prompt cache; this text came from a remote server'
  if (leaf.stopReason === 'end-of-generation')
    return 'The model ended this text with its end-of-text token'
  if (leaf.stopReason === 'context-full') return 'The context is full'
  const path = pathTokens(tree, leaf.id)
  if (path.length === 0) return 'Nothing was generated to continue'
  return null
}
