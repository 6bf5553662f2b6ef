import { columnNode } from './compare-tree'
import type { GeneratedToken } from './contract'
import { AppFailure } from './errors'
import { limits } from './schemas'
import type { RunTarget } from './session-intents'
import type { DocumentWith, NodeWith, RunWith } from './stored-document'

/* What every intent applier (session-apply*.ts) shares: the limits, refusing, and finding,
   replacing and adding nodes. */

export const maxNodes = 100_000
export const maxNodeText = limits.promptChars * 4

export interface ApplyOptions<T = GeneratedToken[]> {
  /** The time for intents that carry none (host-recorded ones): the new `updatedAt`. */
  now: string
  /** Undoes in-place changes if a later intent of the same update is refused. */
  undo?: (() => void)[]
  /** Told of every `tokensAdded`: where its tokens went (`from` to `to` of `tokens`). */
  appended?: (tokens: T, from: number, to: number) => void
}

type AnyDocument = DocumentWith<unknown>
type AnyNode = NodeWith<unknown>

export function refuse(message: string): never {
  throw new AppFailure({ code: 'invalid-request', message })
}

/** Node positions by id, kept per nodes array (a new array is made whenever the tree changes). */
const indexes = new WeakMap<readonly AnyNode[], Map<string, number>>()
function indexOf(nodes: readonly AnyNode[]): Map<string, number> {
  let index = indexes.get(nodes)
  if (!index) {
    index = new Map(nodes.map((n, i) => [n.id, i]))
    indexes.set(nodes, index)
  }
  return index
}

export function findNode<D extends AnyDocument>(
  doc: D,
  id: string,
): D['nodes'][number] | undefined {
  const at = indexOf(doc.nodes).get(id)
  return at === undefined ? undefined : doc.nodes[at]
}

export function existingNode<D extends AnyDocument>(doc: D, id: string, what = 'node') {
  return findNode(doc, id) ?? refuse(`There is no ${what} ${id} in this session.`)
}

export function checkNewIds(doc: AnyDocument, ...ids: string[]) {
  if (new Set(ids).size !== ids.length)
    refuse(`The new nodes need different ids (${ids.join(', ')}).`)
  for (const id of ids)
    if (findNode(doc, id)) refuse(`A node ${id} already exists in this session.`)
  if (doc.nodes.length + ids.length > maxNodes)
    refuse(`A session holds at most ${maxNodes.toLocaleString('en')} nodes.`)
}

/** The document with node `id` replaced (index carried over: the ids do not change). */
export function withNode<T>(doc: DocumentWith<T>, node: NodeWith<T>): DocumentWith<T> {
  const index = indexOf(doc.nodes)
  const at = index.get(node.id) ?? refuse(`There is no node ${node.id} in this session.`)
  const nodes = doc.nodes.slice()
  nodes[at] = node
  indexes.set(nodes, index)
  return { ...doc, nodes }
}

export function withAddedNodes<T>(
  doc: DocumentWith<T>,
  added: NodeWith<T>[],
  rest: Partial<DocumentWith<T>>,
): DocumentWith<T> {
  const nodes = [...doc.nodes, ...added]
  const old = indexes.get(doc.nodes)
  if (old) {
    const index = new Map(old)
    added.forEach((n, i) => index.set(n.id, doc.nodes.length + i))
    indexes.set(nodes, index)
  }
  return { ...doc, ...rest, nodes }
}

/** The node `target` names: its id, or (format 2 journals) its column's key. */
export function targetId(doc: AnyDocument, target: RunTarget): string {
  if ('nodeId' in target) return target.nodeId
  return (
    columnNode(doc.nodes, target.column)?.id ??
    refuse(`There is no column ${target.column} in this comparison.`)
  )
}

export function runOf<T>(doc: DocumentWith<T>, target: RunTarget): RunWith<T> | null {
  return existingNode(doc, targetId(doc, target)).run
}

/** The document with `target`'s run and text replaced. */
export function withRun<T>(
  doc: DocumentWith<T>,
  target: RunTarget,
  run: RunWith<T>,
  text?: (node: NodeWith<T>) => string,
): DocumentWith<T> {
  const node = existingNode(doc, targetId(doc, target))
  const newText = text ? text(node) : node.text
  if (newText.length > maxNodeText) refuse(`The text of node ${node.id} would be too long.`)
  return withNode(doc, { ...node, run, text: newText })
}

export function runnable<T>(doc: DocumentWith<T>, target: RunTarget): NodeWith<T> {
  const node = existingNode(doc, targetId(doc, target))
  if (node.role !== 'assistant' && node.role !== 'completion')
    refuse(
      `Node ${node.id} is a ${node.role} node; runs are recorded into replies and completions.`,
    )
  return node
}
