import type { GeneratedToken } from './contract'
import type { SessionDocument, SessionNode } from './sessions'

/**
 * A Completion session's nodes form the tree the Completion view draws (renderer
 * stores/branch-tree.ts), and the host and the export read the same one:
 *
 * - the `prompt` node is the root;
 * - under it, every run of the prompt (the first run, Generate again, an API request's choices);
 * - under a `completion` node, its branches (a forced alternative) and continuations.
 *
 * A node's run keeps only its own tokens: its text is its parent's path up to `forkAt`, then its
 * own tokens (a branch's first is the alternative picked). So a shared prefix is stored once, and
 * a branch costs what it adds. Session format 1 kept every branch's whole path instead;
 * `completionNodesFromPaths` turns those into this form.
 */

/** The completion nodes from the run of the prompt down to `leafId`, in that order. */
export function completionLineage(
  doc: Pick<SessionDocument, 'nodes'>,
  leafId: string | null,
): SessionNode[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]))
  const chain: SessionNode[] = []
  const seen = new Set<string>()
  for (
    let node = leafId === null ? undefined : byId.get(leafId);
    node?.role === 'completion' && !seen.has(node.id);
    node = node.parentId === null ? undefined : byId.get(node.parentId)
  ) {
    seen.add(node.id)
    chain.unshift(node)
  }
  return chain
}

/** Every generated token of the text that ends at `leafId`: its ancestors' kept parts, then its own. */
export function completionPathTokens(
  doc: Pick<SessionDocument, 'nodes'>,
  leafId: string | null,
): GeneratedToken[] {
  const path: GeneratedToken[] = []
  for (const node of completionLineage(doc, leafId)) {
    path.length = Math.min(path.length, node.forkAt ?? 0)
    for (const token of node.run?.tokens ?? []) path.push(token)
  }
  return path
}

function sharedPrefix(a: readonly GeneratedToken[], b: readonly GeneratedToken[]): number {
  const end = Math.min(a.length, b.length)
  let i = 0
  while (i < end && a[i]?.id === b[i]?.id) i++
  return i
}

interface Placed {
  id: string
  /** The node's tree parent; null for a run of the prompt. */
  parent: string | null
  forkAt: number
  path: readonly GeneratedToken[]
}

/**
 * Format 1's Completion nodes (each run record holding its branch's whole path) as nodes that
 * keep their own tokens, placed where the Completion view of that version placed them: a run of
 * the prompt beside the first run; a branch under the node it names (`branchOf`), where their
 * texts part; in files older still, under the earlier node whose path it shares longest.
 */
export function completionNodesFromPaths(nodes: readonly SessionNode[]): SessionNode[] {
  const placed: Placed[] = []
  const byId = new Map<string, Placed>()
  for (const node of nodes) {
    if (node.role !== 'completion' || node.run === null) continue
    const path = node.run.tokens
    let parent: Placed | null = null
    let forkAt = 0
    const isRun = placed.length === 0 || node.origin === 'run'
    const named = node.branchOf === undefined ? undefined : byId.get(node.branchOf)
    if (isRun) {
      parent = null
    } else if (named) {
      parent = named
      forkAt = sharedPrefix(named.path, path)
    } else {
      const shared = placed.map((p) => sharedPrefix(p.path, path))
      const longest = Math.max(...shared)
      const index = placed.findIndex((p, i) => {
        // A run of the prompt leaves no parent: it counts as leaving before position 0.
        const leaves = p.parent === null ? -1 : p.forkAt
        return shared[i] === longest && leaves < longest
      })
      parent = placed[index >= 0 ? index : 0] ?? null
      forkAt = index >= 0 ? longest : (shared[0] ?? 0)
    }
    const entry = { id: node.id, parent: parent?.id ?? null, forkAt, path }
    placed.push(entry)
    byId.set(node.id, entry)
  }
  return nodes.map((node) => {
    const entry = byId.get(node.id)
    if (!entry || !node.run) return withoutBranchOf(node)
    const tokens = entry.path.slice(entry.forkAt)
    const upgraded = withoutBranchOf(node)
    return {
      ...upgraded,
      ...(entry.parent !== null && { parentId: entry.parent, forkAt: entry.forkAt }),
      origin: entry.parent === null ? 'run' : 'branch',
      text: tokens.map((t) => t.text).join(''),
      run: { ...node.run, tokens },
    }
  })
}

function withoutBranchOf(node: SessionNode): SessionNode {
  if (node.branchOf === undefined) return node
  const { branchOf: _dropped, ...rest } = node
  return rest
}
