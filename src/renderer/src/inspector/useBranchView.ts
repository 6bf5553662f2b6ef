import { useMemo, useState } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import type { BranchPoints } from '../components/TokenStream'
import { useStore } from '../hooks/useStore'
import { type BranchNode, type BranchTree } from '../stores/branch-tree'
import { divergences, lineage, pathTokens, siblingsAt } from '../stores/branch-paths'
import type { TokenCounts } from '../lib/numbering'
import { runCounts, type RunStatus } from '../stores/run-status'
import { pathLength } from '../stores/tree-counts'
import { chunkSize, countChunked, type Chunks } from '../stores/token-chunks'
import { branchStore } from './stores'

/**
 * Splits `items` into chunks, reusing every chunk of `previous` that holds the very same items,
 * so memoized chunk views do not render again when only the end of the list changed.
 */
export function stableChunks<T>(previous: Chunks<T>, items: readonly T[]): Chunks<T> {
  const chunks: (readonly T[])[] = []
  for (let start = 0; start < items.length; start += chunkSize) {
    const fresh = items.slice(start, start + chunkSize)
    const old = previous[chunks.length]
    const same = old?.length === fresh.length && old.every((item, i) => item === fresh[i])
    chunks.push(same && old ? old : fresh)
  }
  return chunks
}

/** A splitter that remembers its last result, so each call reuses the chunks that did not change. */
export function chunker<T>(): (items: readonly T[]) => Chunks<T> {
  let previous: Chunks<T> = []
  return (items) => (previous = stableChunks(previous, items))
}

export interface BranchView {
  /** Whether the tree holds the current run (it does once a run was asked for or restored). */
  active: boolean
  tree: BranchTree
  tokens: Chunks<GeneratedToken>
  tokenCount: number
  branchPoints: BranchPoints
  /** The shown node, when it is a branch (not the first run). */
  branch: BranchNode | null
  /** Changes whenever a new first run starts: the selection resets then. */
  rootId: string | null
}

const noPoints: BranchPoints = new Map()
const noTokens: Chunks<GeneratedToken> = []

/**
 * The Completion view's shown path through the branch tree, ready for the token stream. The tree
 * holds the tokens (the run store only the run's status), so this is the one place they are read.
 */
export function useBranchView(run: RunStatus): BranchView {
  const tree = useStore(branchStore, (s) => s)
  const active = run.runId !== null && tree.nodes[run.runId] !== undefined
  const shown = active ? lineage(tree, tree.activeId).at(-1) : undefined
  // A node that leaves its parent at 0 (the first run, Generate again) is its whole path: its
  // own chunks are shown as they are, so a batch appends in O(batch) all the way to the pixels.
  const own = shown && shown.forkAt === 0 ? shown.tokens : null
  const [split] = useState(() => chunker<GeneratedToken>())
  const tokens = useMemo(
    () => own ?? (shown ? split(pathTokens(tree, shown.id)) : noTokens),
    [own, shown, tree, split],
  )
  const branchPoints = useMemo(() => {
    if (!active) return noPoints
    const found = divergences(tree)
    return found.length === 0
      ? noPoints
      : new Map(found.map((d) => [d.position, { index: d.index, count: d.count }]))
  }, [active, tree])
  return {
    active,
    tree,
    tokens,
    tokenCount: countChunked(tokens),
    branchPoints,
    branch: shown && shown.parentId !== null ? shown : null,
    rootId: active ? (tree.order[0] ?? null) : run.runId,
  }
}

/** The shown text's counts (lib/numbering.ts): the tree's path when it holds the run. */
export function shownCounts(run: RunStatus, tree: BranchTree): TokenCounts {
  if (run.runId === null || !tree.nodes[run.runId]) return runCounts(run)
  return {
    prompt: tree.prompt.length > 0 ? tree.prompt.length : run.promptCount,
    generated: pathLength(tree, tree.activeId),
  }
}

/** Ids of the tokens that already have a branch at `index` of the shown path. */
export function branchedIdsAt(tree: BranchTree, index: number): ReadonlySet<number> {
  const ids = new Set<number>()
  for (const sibling of siblingsAt(tree, index)) {
    const id = pathTokens(tree, sibling.id)[index]?.id
    if (id !== undefined) ids.add(id)
  }
  return ids
}
