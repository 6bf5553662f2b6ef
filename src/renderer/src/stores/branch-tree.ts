import type {
  GeneratedToken,
  RunEvent,
  RunStats,
  StopReason,
  TokenText,
} from '../../../shared/contract'
import type { AppError } from '../../../shared/errors'
import type { SamplingSettings } from '../../../shared/schemas'
import { switchTarget } from './branch-paths'
import { appendToChunks, toChunks, type Chunks } from './token-chunks'

/**
 * Every continuation of one Completion prompt, as a tree. The root is the first run; a branch is
 * a run that forced an alternative token at some position of the path it was started from; a
 * later run of the same prompt (Generate again) is a sibling of the root at position 0.
 *
 * A node stores only its own tokens, from the position where it leaves its parent: its full text
 * is the parent's path up to `forkAt`, then `tokens`. The state is plain, serialisable data (no
 * class instances, no Maps) so a session can save and load it as JSON.
 */
export interface BranchNode {
  /** The run id of the run that produced this node. */
  id: string
  parentId: string | null
  /** Index in the generated tokens where this node's tokens start; 0 for the root. */
  forkAt: number
  /** `run`: sampled from the prompt alone (the root, Generate again); `branch`: forced a token. */
  origin: 'run' | 'branch'
  /**
   * This node's tokens; for a branch the first is the alternative the user picked. In chunks, so
   * that a batch appends in O(batch) instead of copying every token before it.
   */
  tokens: Chunks<GeneratedToken>
  status: 'running' | 'ended' | 'failed'
  stopReason: StopReason | null
  stats: RunStats | null
  error: AppError | null
  sampling: SamplingSettings | null
}

export interface BranchTree {
  promptText: string
  /** The prompt's tokens, as the root run's `started` event gave them. */
  prompt: TokenText[]
  /** Nodes by id, and their ids in the order they were created. */
  nodes: Record<string, BranchNode>
  order: string[]
  /** The node whose path is shown. */
  activeId: string | null
}

export const emptyBranchTree: BranchTree = {
  promptText: '',
  prompt: [],
  nodes: {},
  order: [],
  activeId: null,
}

export type BranchAction =
  | { type: 'rootRequested'; runId: string; promptText: string; sampling: SamplingSettings }
  /** The same prompt generated again: a new run beside the first. */
  | { type: 'runRequested'; runId: string; sampling: SamplingSettings }
  | {
      type: 'branchRequested'
      runId: string
      parentId: string
      forkAt: number
      /** The alternative forced at `forkAt`; null continues the path from its end. */
      first: GeneratedToken | null
      sampling: SamplingSettings
    }
  | { type: 'events'; events: readonly RunEvent[] }
  | { type: 'requestFailed'; runId: string; error: AppError }
  | { type: 'activated'; id: string }
  /** Moves to the previous (-1) or next (+1) sibling at a divergence position. */
  | { type: 'switched'; position: number; delta: number }
  | { type: 'loaded'; tree: BranchTree }
  | { type: 'cleared' }

function newNode(
  id: string,
  parentId: string | null,
  forkAt: number,
  origin: BranchNode['origin'],
): BranchNode {
  return {
    id,
    parentId,
    forkAt,
    origin,
    tokens: [],
    status: 'running',
    stopReason: null,
    stats: null,
    error: null,
    sampling: null,
  }
}

function withNode(tree: BranchTree, id: string, change: Partial<BranchNode>): BranchTree {
  const node = tree.nodes[id]
  if (!node) return tree
  return { ...tree, nodes: { ...tree.nodes, [id]: { ...node, ...change } } }
}

export function branchTreeReducer(tree: BranchTree, action: BranchAction): BranchTree {
  switch (action.type) {
    case 'rootRequested':
      return {
        promptText: action.promptText,
        prompt: [],
        nodes: {
          [action.runId]: { ...newNode(action.runId, null, 0, 'run'), sampling: action.sampling },
        },
        order: [action.runId],
        activeId: action.runId,
      }
    case 'branchRequested': {
      const parent = tree.nodes[action.parentId]
      if (!parent || tree.nodes[action.runId]) return tree
      const node: BranchNode = {
        ...newNode(action.runId, action.parentId, action.forkAt, 'branch'),
        tokens: action.first ? toChunks([action.first]) : [],
        sampling: action.sampling,
      }
      return {
        ...tree,
        nodes: { ...tree.nodes, [action.runId]: node },
        order: [...tree.order, action.runId],
        activeId: action.runId,
      }
    }
    case 'runRequested': {
      const rootId = tree.order[0]
      if (rootId === undefined || tree.nodes[action.runId]) return tree
      const node = { ...newNode(action.runId, rootId, 0, 'run'), sampling: action.sampling }
      return {
        ...tree,
        nodes: { ...tree.nodes, [action.runId]: node },
        order: [...tree.order, action.runId],
        activeId: action.runId,
      }
    }
    case 'events':
      return action.events.reduce(applyEvent, tree)
    case 'requestFailed':
      return withNode(tree, action.runId, { status: 'failed', error: action.error })
    case 'activated':
      return tree.nodes[action.id] && tree.activeId !== action.id
        ? { ...tree, activeId: action.id }
        : tree
    case 'switched': {
      const target = switchTarget(tree, action.position, action.delta)
      return target && target !== tree.activeId ? { ...tree, activeId: target } : tree
    }
    case 'loaded':
      return action.tree
    case 'cleared':
      return emptyBranchTree
  }
}

function applyEvent(tree: BranchTree, event: RunEvent): BranchTree {
  const node = tree.nodes[event.runId]
  if (!node || node.status !== 'running') return tree
  switch (event.kind) {
    case 'started': {
      const next = withNode(tree, node.id, { sampling: event.sampling })
      return node.parentId === null ? { ...next, prompt: event.prompt } : next
    }
    case 'tokens':
      return withNode(tree, node.id, {
        tokens: appendToChunks(node.tokens, event.tokens),
        stats: event.stats,
      })
    case 'ended':
      return withNode(tree, node.id, {
        status: 'ended',
        stopReason: event.reason,
        stats: event.stats,
      })
    case 'failed':
      return withNode(tree, node.id, { status: 'failed', error: event.error })
    case 'influence':
      // Influence runs belong to Score's influence panel, never to a branch of a conversation.
      return tree
  }
}
