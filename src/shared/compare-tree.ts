import { AppFailure } from './errors'
import type { CompareRecord } from './session-legacy'
import type { SessionIntent } from './session-intents'
import type { CompareColumnSetup, ComparisonSetup, SessionDocument, SessionNode } from './sessions'

/**
 * A comparison is a tree like Completion's (completion-tree.ts), one level deep:
 *
 * - its `prompt` node holds the prompt and, in `comparison`, what the columns share (chat or
 *   completion input, same seed, kept seeds, stop strings); the system prompt is the session's;
 * - under it, one `completion` node per column (`forkAt` 0), in the columns' order: `column`
 *   holds the settings its next run takes, its run what it ran with and produced.
 *
 * The host records a column's run into its node as it records a Completion run. Session format
 * 2 kept a comparison in a record of its own (`CompareRecord`): `nodesFromCompareRecord` turns
 * one into nodes, and `fromCompareChanged` reads the intent that changed it in that format's
 * journals.
 */

type NodeLike = Pick<SessionNode, 'id' | 'parentId' | 'role' | 'comparison' | 'column'>

export interface Comparison<N extends NodeLike> {
  prompt: N & { comparison: ComparisonSetup }
  /** The column nodes, in the columns' order. */
  columns: (N & { column: CompareColumnSetup })[]
}

/** The comparison in `nodes`; null when they hold none. */
export function comparisonOf<N extends NodeLike>(nodes: readonly N[]): Comparison<N> | null {
  const prompt = nodes.find(
    (n): n is N & { comparison: ComparisonSetup } => n.role === 'prompt' && !!n.comparison,
  )
  if (!prompt) return null
  const columns = nodes.filter(
    (n): n is N & { column: CompareColumnSetup } =>
      n.role === 'completion' && n.parentId === prompt.id && !!n.column,
  )
  return { prompt, columns }
}

/** The column node with column key `key`, if there is one. */
export function columnNode<N extends NodeLike>(nodes: readonly N[], key: string): N | undefined {
  return nodes.find((n) => n.role === 'completion' && n.column?.key === key)
}

/** The node id format 2's column `key` gets (a key may hold any character; an id may not). */
export function legacyColumnId(key: string): string {
  return `column-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`
}

const legacyPromptId = 'comparison-prompt'

function setupOf(record: Pick<CompareRecord, 'input' | 'sameSeed' | 'seedsLocked' | 'stop'>) {
  return {
    input: record.input,
    sameSeed: record.sameSeed,
    ...(record.seedsLocked !== undefined && { seedsLocked: record.seedsLocked }),
    ...(record.stop !== undefined && { stop: record.stop }),
  } satisfies ComparisonSetup
}

/** Format 2's comparison record as nodes: its prompt, then a node per column with its run. */
export function nodesFromCompareRecord(record: CompareRecord, createdAt: string): SessionNode[] {
  const prompt: SessionNode = {
    id: legacyPromptId,
    parentId: null,
    role: 'prompt',
    text: record.prompt,
    run: null,
    createdAt,
    comparison: setupOf(record),
  }
  const columns = record.columns.map(({ run, ...column }): SessionNode => ({
    id: legacyColumnId(column.key),
    parentId: prompt.id,
    role: 'completion',
    text: run?.tokens.map((t) => t.text).join('') ?? '',
    run,
    createdAt,
    origin: 'run',
    forkAt: 0,
    column,
  }))
  return [prompt, ...columns]
}

export type ComparisonChange = Extract<SessionIntent, { type: 'comparisonChanged' }>

/** The intent that makes a session's comparison the one `doc` holds (its runs aside). */
export function comparisonChangeOf(
  doc: Pick<SessionDocument, 'nodes' | 'system'>,
  now?: string,
): ComparisonChange | null {
  const comparison = comparisonOf(doc.nodes)
  if (!comparison) return null
  const { prompt, columns } = comparison
  return {
    type: 'comparisonChanged',
    prompt: { id: prompt.id, text: prompt.text, setup: prompt.comparison },
    system: doc.system,
    columns: columns.map((n) => ({ nodeId: n.id, column: n.column })),
    ...(now !== undefined && { now }),
  }
}

/** Format 2's `compareChanged` as the `comparisonChanged` it means for the tree in `nodes`. */
export function fromCompareChanged(
  nodes: readonly NodeLike[],
  record: CompareRecord,
  now?: string,
): ComparisonChange {
  const prompt = comparisonOf(nodes)?.prompt
  return {
    type: 'comparisonChanged',
    prompt: { id: prompt?.id ?? legacyPromptId, text: record.prompt, setup: setupOf(record) },
    system: record.system,
    columns: record.columns.map(({ run: _run, ...column }) => ({
      nodeId: columnNode(nodes, column.key)?.id ?? legacyColumnId(column.key),
      column,
    })),
    ...(now !== undefined && { now }),
  }
}

function refuse(message: string): never {
  throw new AppFailure({ code: 'invalid-request', message })
}

interface TreeNode extends NodeLike {
  text: string
  createdAt: string
  run: unknown
}

/**
 * The nodes after `change`: the prompt node made or updated; a named column node keeps its run,
 * a new one is added under the prompt, and a column node not named any more is removed. The
 * prompt and its columns come first, in the columns' order.
 */
export function changedComparison<N extends TreeNode>(
  nodes: readonly N[],
  change: ComparisonChange,
  now: string,
): N[] {
  const ids = change.columns.map((c) => c.nodeId)
  const keys = change.columns.map((c) => c.column.key)
  if (new Set(ids).size !== ids.length) refuse("The comparison's columns need different nodes.")
  if (new Set(keys).size !== keys.length) refuse("The comparison's columns need different keys.")
  if (ids.includes(change.prompt.id)) refuse('A column cannot be the prompt node.')
  const old = comparisonOf(nodes)
  if (old && old.prompt.id !== change.prompt.id)
    refuse(`This session's comparison starts at node ${old.prompt.id}.`)
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const existing = byId.get(change.prompt.id)
  if (existing && existing.role !== 'prompt') refuse(`Node ${existing.id} is not a prompt.`)
  const prompt = {
    ...(existing ?? {
      id: change.prompt.id,
      parentId: null,
      role: 'prompt',
      run: null,
      createdAt: now,
    }),
    text: change.prompt.text,
    comparison: change.prompt.setup,
  } as N
  const columns = change.columns.map(({ nodeId, column }) => {
    const node = byId.get(nodeId)
    if (node && (node.role !== 'completion' || node.parentId !== prompt.id))
      refuse(`Node ${nodeId} is not a column of this comparison.`)
    const fresh = {
      id: nodeId,
      parentId: prompt.id,
      role: 'completion',
      text: '',
      run: null,
      createdAt: now,
      origin: 'run',
      forkAt: 0,
    }
    return { ...(node ?? fresh), column } as N
  })
  const placed = new Set([prompt.id, ...ids])
  const dropped = new Set(old?.columns.map((n) => n.id).filter((id) => !placed.has(id)))
  const rest = nodes.filter((n) => !placed.has(n.id) && !dropped.has(n.id))
  return [prompt, ...columns, ...rest]
}
