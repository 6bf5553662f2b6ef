import type { GeneratedToken } from '../../../shared/contract'
import type { AppError } from '../../../shared/errors'
import type { SamplingSettings } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import { pathTokens, type BranchNode, type BranchTree } from '../stores/branch-tree'
import { toChunks } from '../stores/token-chunks'
import { newSession, titleFrom, type RunRecord } from './conversation'
import { storableToken } from './records'

/**
 * A Completion session keeps every run of its prompt and every branch as one `completion` node
 * under the single `prompt` node, in the order they were made. Each node's run record holds the branch's
 * whole path (the kept prefix, the forced alternative, then what followed), so the file reads on
 * its own and the Markdown export of the shown branch needs nothing else. A node's `origin` says
 * whether it is a run of the prompt (those sit beside the first run, at position 0) or a branch;
 * where a branch hangs is not stored: it follows from the token ids (see `treeFromSession`).
 */

const defaultSampling: SamplingSettings = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  seed: 0,
}

/** One branch as a session run record: its whole path, with the numbers of every token. */
export function branchRecord(
  tree: BranchTree,
  node: BranchNode,
  fallbackSampling: SamplingSettings,
): RunRecord {
  return {
    prompt: tree.prompt,
    tokens: pathTokens(tree, node.id).map(storableToken),
    // A branch still running when saved comes back as stopped there.
    stopReason: node.status === 'failed' ? 'failed' : (node.stopReason ?? 'cancelled'),
    sampling: node.sampling ?? fallbackSampling,
    tokensPerSecond: node.stats?.tokensPerSecond ?? null,
    timeToFirstTokenMs: node.stats?.timeToFirstTokenMs ?? null,
  }
}

export interface TreeSessionInit {
  tree: BranchTree
  /** The session this tree was saved in before (same root run), to keep its id, title and dates. */
  previous: SessionDocument | null
  /** For a new session: its id and its prompt node's id. */
  id: string
  promptId: string
  model: SessionDocument['model']
  maxTokens: number
  topN: number
  now: string
}

/** Every branch of a Completion run as one session; the shown branch is `currentLeafId`. */
export function completionSessionFromTree(init: TreeSessionInit): SessionDocument {
  const { tree, previous, now } = init
  const rootId = tree.order[0]
  const root = rootId === undefined ? undefined : tree.nodes[rootId]
  const sampling = root?.sampling ?? previous?.settings.sampling ?? defaultSampling
  const oldPrompt = previous?.nodes.find((n) => n.role === 'prompt')
  const createdAt = new Map(previous?.nodes.map((n) => [n.id, n.createdAt]))
  const prompt: SessionNode = {
    id: oldPrompt?.id ?? init.promptId,
    parentId: null,
    role: 'prompt',
    text: tree.promptText,
    run: null,
    createdAt: oldPrompt?.createdAt ?? now,
  }
  const branches = tree.order.flatMap((id): SessionNode[] => {
    const node = tree.nodes[id]
    if (!node) return []
    const run = branchRecord(tree, node, sampling)
    return [
      {
        id,
        parentId: prompt.id,
        role: 'completion',
        text: run.tokens.map((t) => t.text).join(''),
        run,
        createdAt: createdAt.get(id) ?? now,
        origin: node.origin,
        ...(node.origin === 'branch' && node.parentId ? { branchOf: node.parentId } : {}),
      },
    ]
  })
  const base = newSession({
    id: previous?.id ?? init.id,
    kind: 'completion',
    model: init.model ?? previous?.model ?? null,
    settings: { sampling, maxTokens: Math.max(1, init.maxTokens), topN: init.topN },
    now,
  })
  const shown = tree.activeId !== null && tree.nodes[tree.activeId] ? tree.activeId : null
  return {
    ...base,
    title: previous?.title || titleFrom(tree.promptText) || 'Completion',
    createdAt: previous?.createdAt ?? now,
    system: previous?.system ?? '',
    nodes: [prompt, ...branches],
    currentLeafId: shown ?? branches[branches.length - 1]?.id ?? prompt.id,
  }
}

/** Whether `doc` holds the tree whose first run is `rootId`. */
export function holdsTree(doc: SessionDocument | null, rootId: string | undefined): boolean {
  return (
    doc !== null &&
    rootId !== undefined &&
    doc.kind === 'completion' &&
    doc.nodes.some((n) => n.id === rootId && n.role === 'completion')
  )
}

function sharedPrefix(a: readonly GeneratedToken[], b: readonly GeneratedToken[]): number {
  const end = Math.min(a.length, b.length)
  let i = 0
  while (i < end && a[i]?.id === b[i]?.id) i++
  return i
}

const restoredFailure: AppError = {
  code: 'internal',
  message: 'This branch failed before it finished; what it produced is kept.',
}

/**
 * The branch tree of a saved Completion session. A run of the prompt sits beside the first run at
 * position 0; a branch hangs under the node it names (`branchOf`), where their texts part. In
 * older files a branch hangs under the earlier node whose path it shares longest, at the first
 * position where they differ: where `startBranch` put it when the tree held no later runs.
 * Returns null when the session holds no run.
 */
export function treeFromSession(doc: SessionDocument): BranchTree | null {
  const saved = doc.nodes.filter(
    (n): n is SessionNode & { run: RunRecord } => n.role === 'completion' && n.run !== null,
  )
  const first = saved[0]
  if (!first) return null
  const nodes: Record<string, BranchNode> = {}
  const order: string[] = []
  const paths: GeneratedToken[][] = []
  saved.forEach((entry) => {
    if (nodes[entry.id]) return
    const path = entry.run.tokens
    let parent: BranchNode | null = null
    let forkAt = 0
    const origin = order.length === 0 || entry.origin === 'run' ? 'run' : 'branch'
    const named = entry.branchOf === undefined ? -1 : order.indexOf(entry.branchOf)
    if (order.length > 0 && origin === 'run') {
      parent = nodes[order[0] ?? ''] ?? null
    } else if (named >= 0) {
      // It leaves its parent where their texts first differ: at the token it forced.
      parent = nodes[order[named] ?? ''] ?? null
      forkAt = sharedPrefix(paths[named] ?? [], path)
    } else if (order.length > 0) {
      const shared = paths.map((p) => sharedPrefix(p, path))
      const longest = Math.max(...shared)
      const index = order.findIndex((id, i) => {
        const node = nodes[id]
        // The root leaves no parent: it counts as leaving before position 0.
        const leaves = node?.parentId === null ? -1 : (node?.forkAt ?? 0)
        return shared[i] === longest && leaves < longest
      })
      parent = nodes[order[index >= 0 ? index : 0] ?? ''] ?? null
      forkAt = index >= 0 ? longest : (shared[0] ?? 0)
    }
    const failed = entry.run.stopReason === 'failed'
    nodes[entry.id] = {
      id: entry.id,
      parentId: parent?.id ?? null,
      forkAt,
      origin,
      tokens: toChunks(path.slice(forkAt)),
      status: failed ? 'failed' : 'ended',
      stopReason: entry.run.stopReason === 'failed' ? null : entry.run.stopReason,
      // How much the engine reused is not kept: the branch bar then shows no cache numbers.
      stats: null,
      error: failed ? restoredFailure : null,
      sampling: entry.run.sampling,
    }
    order.push(entry.id)
    paths.push(path)
  })
  const promptNode = doc.nodes.find((n) => n.role === 'prompt')
  const leaf = doc.currentLeafId
  return {
    promptText: promptNode?.text ?? '',
    prompt: first.run.prompt,
    nodes,
    order,
    activeId: leaf !== null && nodes[leaf] ? leaf : (order[order.length - 1] ?? null),
  }
}

/** The run record of the branch a restored tree shows. */
export function shownRecord(doc: SessionDocument, tree: BranchTree): RunRecord | null {
  return doc.nodes.find((n) => n.id === tree.activeId)?.run ?? null
}
