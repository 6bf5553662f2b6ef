import type { AppError } from '../../../shared/errors'
import type { SamplingSettings } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import type { BranchNode, BranchTree } from '../stores/branch-tree'
import { toChunks } from '../stores/token-chunks'
import { newSession, titleFrom, type RunRecord } from './conversation'
import { storableToken } from './records'

/**
 * A Completion session's nodes are the branch tree the view draws (shared/completion-tree.ts):
 * runs of the prompt under the prompt node, a branch or a continuation under the node it leaves,
 * at `forkAt`, each keeping only its own tokens. The view's tree holds them the same way, so the
 * two map onto each other node for node; the only difference is that the view hangs later runs
 * of the prompt under its first run (at position 0) rather than under the prompt.
 */

const defaultSampling: SamplingSettings = {
  temperature: 0.8,
  topK: 40,
  topP: 0.95,
  minP: 0.05,
  seed: 0,
}

/** One node of the tree as a session run record: its own tokens, with their numbers. */
export function branchRecord(
  tree: BranchTree,
  node: BranchNode,
  fallbackSampling: SamplingSettings,
): RunRecord {
  return {
    prompt: tree.prompt,
    tokens: node.tokens.flat().map(storableToken),
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
    const branch = node.origin === 'branch' && node.parentId !== null
    return [
      {
        id,
        parentId: branch ? node.parentId : prompt.id,
        role: 'completion',
        text: run.tokens.map((t) => t.text).join(''),
        run,
        createdAt: createdAt.get(id) ?? now,
        origin: node.origin,
        ...(branch && { forkAt: node.forkAt }),
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

const restoredFailure: AppError = {
  code: 'internal',
  message: 'This branch failed before it finished; what it produced is kept.',
}

/** The branch tree of a saved Completion session; null when the session holds no run. */
export function treeFromSession(doc: SessionDocument): BranchTree | null {
  const promptNode = doc.nodes.find((n) => n.role === 'prompt')
  const nodes: Record<string, BranchNode> = {}
  const order: string[] = []
  let prompt: RunRecord['prompt'] = []
  for (const entry of doc.nodes) {
    if (entry.role !== 'completion' || entry.run === null) continue
    const rootId = order[0]
    const ofPrompt = entry.parentId === null || entry.parentId === promptNode?.id
    // A run of the prompt hangs under the first run, as the view's tree has it.
    const parentId = ofPrompt ? (rootId ?? null) : entry.parentId
    // A node whose parent was never run has no text to continue: it is left out.
    if (parentId !== null && !nodes[parentId]) continue
    if (rootId === undefined) prompt = entry.run.prompt
    const failed = entry.run.stopReason === 'failed'
    nodes[entry.id] = {
      id: entry.id,
      parentId,
      forkAt: ofPrompt ? 0 : (entry.forkAt ?? 0),
      origin: ofPrompt ? 'run' : 'branch',
      tokens: toChunks(entry.run.tokens),
      status: failed ? 'failed' : 'ended',
      stopReason: entry.run.stopReason === 'failed' ? null : entry.run.stopReason,
      // How much the engine reused is not kept: the branch bar then shows no cache numbers.
      stats: null,
      error: failed ? restoredFailure : null,
      sampling: entry.run.sampling,
    }
    order.push(entry.id)
  }
  if (order.length === 0) return null
  const leaf = doc.currentLeafId
  return {
    promptText: promptNode?.text ?? '',
    prompt,
    nodes,
    order,
    activeId: leaf !== null && nodes[leaf] ? leaf : (order[order.length - 1] ?? null),
  }
}

/** The run record of the branch a restored tree shows. */
export function shownRecord(doc: SessionDocument, tree: BranchTree): RunRecord | null {
  return doc.nodes.find((n) => n.id === tree.activeId)?.run ?? null
}
