import type { GeneratedToken, TokenCandidate } from '../../../shared/contract'
import type { BranchNode, BranchTree } from './branch-tree'

/*
 * Questions about a branch tree (`branch-tree.ts`): which tokens a node's path shows, where its
 * branches diverge, and what a new branch or a Continue would start from.
 */

/** The nodes from the root down to `id`. */
export function lineage(tree: BranchTree, id: string | null): BranchNode[] {
  const chain: BranchNode[] = []
  const seen = new Set<string>()
  let node = id === null ? undefined : tree.nodes[id]
  while (node && !seen.has(node.id)) {
    seen.add(node.id)
    chain.unshift(node)
    node = node.parentId === null ? undefined : tree.nodes[node.parentId]
  }
  return chain
}

/** The generated tokens of a node's whole path: its ancestors' kept parts, then its own. */
export function pathTokens(tree: BranchTree, id: string | null): GeneratedToken[] {
  const nodes = lineage(tree, id)
  const path: GeneratedToken[] = []
  nodes.forEach((node) => {
    path.length = Math.min(path.length, node.forkAt)
    for (const chunk of node.tokens) path.push(...chunk)
  })
  return path
}

/**
 * Where a new branch at `position` of the active path hangs: the deepest node of the active
 * lineage that leaves its parent before `position` (or the root). All branches that share the
 * same prefix and differ at `position` are then children of one node.
 */
export function branchParent(tree: BranchTree, position: number): BranchNode | undefined {
  const nodes = lineage(tree, tree.activeId)
  let parent = nodes[0]
  for (const node of nodes.slice(1)) if (node.forkAt < position) parent = node
  return parent
}

/**
 * The alternatives at `position`: the node that continues past it without branching, then the
 * branches that leave it there, in the order they were made.
 */
export function siblingsAt(tree: BranchTree, position: number): BranchNode[] {
  const parent = branchParent(tree, position)
  if (!parent) return []
  const children = tree.order
    .map((id) => tree.nodes[id])
    .filter(
      (node): node is BranchNode =>
        node !== undefined && node.parentId === parent.id && node.forkAt === position,
    )
  return [parent, ...children]
}

export interface Divergence {
  position: number
  /** 0-based index of the shown branch among the siblings. */
  index: number
  count: number
}

/** Every position of the active path where branches differ, with which of them is shown. */
export function divergences(tree: BranchTree): Divergence[] {
  const nodes = lineage(tree, tree.activeId)
  const positions = new Set<number>()
  const result: Divergence[] = []
  nodes.forEach((owner, i) => {
    const next = nodes[i + 1]
    const end = next ? next.forkAt : Infinity
    for (const id of tree.order) {
      const child = tree.nodes[id]
      if (child?.parentId !== owner.id) continue
      // A child of this node counts where this node's part of the path is the one shown.
      if (child.forkAt <= (owner.parentId === null ? -1 : owner.forkAt)) continue
      if (child.forkAt > end) continue
      positions.add(child.forkAt)
    }
  })
  for (const position of [...positions].sort((a, b) => a - b)) {
    const siblings = siblingsAt(tree, position)
    const shownIds = new Set(nodes.map((n) => n.id))
    // The shown sibling is the lineage node that starts here, else the one continuing past it.
    const starting = siblings.findIndex((s, i) => i > 0 && shownIds.has(s.id))
    result.push({ position, index: starting > 0 ? starting : 0, count: siblings.length })
  }
  return result
}

/** The node to show after moving `delta` siblings at `position`, wrapping around. */
export function switchTarget(tree: BranchTree, position: number, delta: number): string | null {
  const found = divergences(tree).find((d) => d.position === position)
  if (!found || found.count < 2) return null
  const siblings = siblingsAt(tree, position)
  const index = (((found.index + delta) % found.count) + found.count) % found.count
  return siblings[index]?.id ?? null
}

/** An existing branch whose token at `position` is `tokenId`, so picking it again just shows it. */
export function existingBranch(tree: BranchTree, position: number, tokenId: number): string | null {
  for (const sibling of siblingsAt(tree, position)) {
    if (pathTokens(tree, sibling.id)[position]?.id === tokenId) return sibling.id
  }
  return null
}

/** The token ids to force for a branch at `position`: the kept path before it, then the pick. */
export function forcedTokensFor(tree: BranchTree, position: number, tokenId: number): number[] {
  const kept = pathTokens(tree, tree.activeId)
    .slice(0, position)
    .map((t) => t.id)
  return [...kept, tokenId]
}

/**
 * A picked alternative as the first token of its branch: same step, same distribution as the
 * token it replaces, only the choice differs.
 */
export function forcedToken(step: GeneratedToken, alternative: TokenCandidate): GeneratedToken {
  const index = step.alternatives.findIndex((a) => a.id === alternative.id)
  // A new token: the host holds no candidates for it, it carries the step's own (if read).
  const { heldCandidates: _held, ...distribution } = step
  return {
    ...distribution,
    id: alternative.id,
    text: alternative.text,
    logit: alternative.logit,
    modelProb: alternative.modelProb,
    samplingProb: alternative.samplingProb,
    rank: index >= 0 ? index + 1 : step.rank,
  }
}

/** Whether `node` continues its parent's whole path (Continue) instead of forcing a token in it. */
export function isContinuation(tree: BranchTree, node: BranchNode): boolean {
  if (node.parentId === null || node.origin !== 'branch') return false
  const parent = pathTokens(tree, node.parentId)
  return node.forkAt >= parent.length
}

export function isBranchRunning(tree: BranchTree): boolean {
  return tree.order.some((id) => tree.nodes[id]?.status === 'running')
}

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
  if (pathTokens(tree, leaf.id).length === 0) return 'Nothing was generated to continue'
  return null
}
