import { changedComparison, columnNode, fromCompareChanged } from './compare-tree'
import type { GeneratedToken } from './contract'
import { conversationReducer, replyText, type RunRecord } from './conversation'
import { AppFailure } from './errors'
import { limits } from './schemas'
import type { RunTarget, SessionIntent } from './session-intents'
import type { SessionDocument } from './sessions'
import type { DocumentWith, NodeWith, RunWith, StoredDocument } from './stored-document'
import { RunColumns } from './token-columns'

/**
 * Applies session intents to a document: the host's saved copy (session-store.ts, its runs'
 * tokens held as columns: `applyStoredIntents`) and, for the chat intents, the UI's own copy
 * through `conversationReducer`, so that both end identical. `applyIntents` applies them to a
 * document whose tokens are objects, with the same rules.
 *
 * Documents are treated as values, with one exception: `tokensAdded` appends to the run's tokens
 * in place, so that recording a long run costs O(batch) per batch, never a copy of every token
 * so far. An intent that names a missing node or column, or would make the document fail its
 * schema, is refused with an AppFailure and changes nothing.
 */

/** How a document's runs hold their tokens (`T`): what the rules need of them. */
export interface TokenStore<T> {
  empty(): T
  length(tokens: T): number
  /** Appends in place; returns what undoes it. */
  append(tokens: T, added: readonly GeneratedToken[]): () => void
  /** A new holder with the first `count` tokens and then `first`. */
  prefix(tokens: T, count: number, first: GeneratedToken | null): T
  replyText(tokens: T, reason: RunRecord['stopReason']): string
  joinedText(tokens: T): string
}

/** Tokens as objects, in arrays (the UI's documents, exported files). */
export const arrayTokens: TokenStore<GeneratedToken[]> = {
  empty: () => [],
  length: (tokens) => tokens.length,
  append(tokens, added) {
    const length = tokens.length
    for (const token of added) tokens.push(token)
    return () => {
      tokens.length = length
    }
  },
  prefix(tokens, count, first) {
    const copy = tokens.slice(0, count)
    if (first) copy.push(first)
    return copy
  },
  replyText: (tokens, reason) => replyText(tokens, reason),
  joinedText: (tokens) => tokens.map((t) => t.text).join(''),
}

/** Tokens as columns (the host's documents). */
export const columnTokens: TokenStore<RunColumns> = {
  empty: () => new RunColumns(),
  length: (columns) => columns.length,
  append(columns, added) {
    const length = columns.length
    columns.push(added)
    return () => columns.truncate(length)
  },
  prefix(columns, count, first) {
    const copy = columns.prefix(count)
    if (first) copy.push([first])
    return copy
  },
  replyText: (columns, reason) => columns.replyText(reason),
  joinedText: (columns) => columns.joinedText(),
}

const maxNodes = 100_000
const maxNodeText = limits.promptChars * 4

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

function refuse(message: string): never {
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

function existingNode<D extends AnyDocument>(doc: D, id: string, what = 'node') {
  return findNode(doc, id) ?? refuse(`There is no ${what} ${id} in this session.`)
}

function checkNewIds(doc: AnyDocument, ...ids: string[]) {
  if (new Set(ids).size !== ids.length)
    refuse(`The new nodes need different ids (${ids.join(', ')}).`)
  for (const id of ids)
    if (findNode(doc, id)) refuse(`A node ${id} already exists in this session.`)
  if (doc.nodes.length + ids.length > maxNodes)
    refuse(`A session holds at most ${maxNodes.toLocaleString('en')} nodes.`)
}

/** The document with node `id` replaced (index carried over: the ids do not change). */
function withNode<T>(doc: DocumentWith<T>, node: NodeWith<T>): DocumentWith<T> {
  const index = indexOf(doc.nodes)
  const at = index.get(node.id) ?? refuse(`There is no node ${node.id} in this session.`)
  const nodes = doc.nodes.slice()
  nodes[at] = node
  indexes.set(nodes, index)
  return { ...doc, nodes }
}

function withAddedNodes<T>(
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
function targetId(doc: AnyDocument, target: RunTarget): string {
  if ('nodeId' in target) return target.nodeId
  return (
    columnNode(doc.nodes, target.column)?.id ??
    refuse(`There is no column ${target.column} in this comparison.`)
  )
}

function runOf<T>(doc: DocumentWith<T>, target: RunTarget): RunWith<T> | null {
  return existingNode(doc, targetId(doc, target)).run
}

/** The document with `target`'s run and text replaced. */
function withRun<T>(
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

function runnable<T>(doc: DocumentWith<T>, target: RunTarget): NodeWith<T> {
  const node = existingNode(doc, targetId(doc, target))
  if (node.role !== 'assistant' && node.role !== 'completion')
    refuse(
      `Node ${node.id} is a ${node.role} node; runs are recorded into replies and completions.`,
    )
  return node
}

/**
 * The chat rules (conversation.ts) for any document: they add nodes without runs and move the
 * current leaf, and pass every run through untouched, whatever holds its tokens.
 */
const conversation = <T>(doc: DocumentWith<T>, intent: Parameters<typeof conversationReducer>[1]) =>
  conversationReducer(doc as unknown as SessionDocument, intent) as unknown as DocumentWith<T>

/** Applies one intent; throws an AppFailure 'invalid-request' (and changes nothing) if refused. */
export function applyIntentWith<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: SessionIntent,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  switch (intent.type) {
    case 'created':
      return refuse(`Session ${doc.id} already exists.`)
    case 'sent':
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversation(doc, intent)
    case 'regenerated': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'assistant') refuse(`Node ${old.id} is not a reply.`)
      checkNewIds(doc, intent.replyId)
      const { prefix, ...regenerated } = intent
      const next = conversation(doc, regenerated)
      if (!prefix) return next
      // A branch of the reply: its run holds the kept tokens and the pick before it continues.
      const source = old.run ?? refuse(`Node ${old.id} has no run to branch from.`)
      const length = store.length(source.tokens)
      if (prefix.count > length) refuse(`Node ${old.id}'s run has only ${length} tokens.`)
      const run: RunWith<T> = {
        prompt: source.prompt,
        tokens: store.prefix(source.tokens, prefix.count, prefix.first),
        stopReason: 'cancelled',
        sampling: source.sampling,
        tokensPerSecond: null,
        timeToFirstTokenMs: null,
      }
      return withNode(next, { ...existingNode(next, intent.replyId), run })
    }
    case 'edited': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'user') refuse(`Node ${old.id} is not a user message.`)
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversation(doc, intent)
    }
    case 'switched':
      existingNode(doc, intent.nodeId)
      return conversation(doc, intent)
    case 'systemChanged':
    case 'renamed':
      return conversation(doc, intent)
    case 'leafShown':
      existingNode(doc, intent.nodeId)
      return { ...doc, currentLeafId: intent.nodeId }
    case 'settingsChanged':
      return {
        ...doc,
        settings: intent.settings,
        model: intent.model,
        updatedAt: intent.now ?? options.now,
      }
    case 'nodeAdded': {
      const { node, first } = legacyBranch(intent)
      checkNewIds(doc, node.id)
      const parent = node.parentId === null ? null : existingNode(doc, node.parentId, 'parent node')
      if (node.forkAt !== undefined && node.forkAt > 0) {
        const length = parent ? pathLength(store, doc, parent.id) : 0
        if (node.forkAt > length) refuse(`Node ${node.parentId}'s text has only ${length} tokens.`)
      }
      let run: RunWith<T> | null = null
      if (first) {
        // A branch: its run starts with the alternative picked, after its parent's kept part.
        const source = parent?.run ?? refuse(`Node ${node.parentId} has no run to branch from.`)
        run = {
          prompt: source.prompt,
          tokens: store.prefix(store.empty(), 0, first),
          stopReason: 'cancelled',
          sampling: source.sampling,
          tokensPerSecond: null,
          timeToFirstTokenMs: null,
        }
      }
      if (node.text.length > maxNodeText) refuse(`The text of node ${node.id} is too long.`)
      return withAddedNodes(doc, [{ ...node, run }], { updatedAt: intent.now ?? options.now })
    }
    case 'compareChanged':
      return applyIntentWith(
        store,
        doc,
        fromCompareChanged(doc.nodes, intent.compare, intent.now),
        options,
      )
    case 'comparisonChanged': {
      if (doc.kind !== 'compare') refuse(`Session ${doc.id} is not a comparison.`)
      const nodes = changedComparison<NodeWith<T>>(doc.nodes, intent, intent.now ?? options.now)
      if (nodes.length > maxNodes)
        refuse(`A session holds at most ${maxNodes.toLocaleString('en')} nodes.`)
      if (intent.prompt.text.length > maxNodeText) refuse('The prompt is too long.')
      return { ...doc, nodes, system: intent.system, updatedAt: intent.now ?? options.now }
    }
    case 'runStarted': {
      const node = runnable(doc, intent.target)
      const base = {
        prompt: intent.prompt,
        stopReason: 'cancelled' as const,
        sampling: intent.sampling,
        tokensPerSecond: null,
        timeToFirstTokenMs: null,
      }
      // A node keeps the tokens it holds (a branch's first, the pick); a column starts afresh.
      const tokens = (node.column ? undefined : node.run?.tokens) ?? store.empty()
      return {
        ...withRun(doc, intent.target, { ...base, tokens }),
        updatedAt: intent.now ?? options.now,
      }
    }
    case 'tokensAdded': {
      const run =
        runOf(doc, intent.target) ?? refuse(`Node ${targetId(doc, intent.target)} has no run yet.`)
      const from = store.length(run.tokens)
      const undo = store.append(run.tokens, intent.tokens)
      options.undo?.push(undo)
      options.appended?.(run.tokens, from, store.length(run.tokens))
      return { ...doc, updatedAt: intent.now ?? options.now }
    }
    case 'runEnded': {
      runnable(doc, intent.target)
      const old = runOf(doc, intent.target)
      const sampling = old?.sampling ?? intent.sampling
      if (!sampling) refuse(`Node ${targetId(doc, intent.target)} has no run to end.`)
      const run: RunWith<T> = {
        prompt: old?.prompt ?? [],
        tokens: old?.tokens ?? store.empty(),
        stopReason: intent.stopReason,
        sampling,
        tokensPerSecond: intent.tokensPerSecond,
        timeToFirstTokenMs: intent.timeToFirstTokenMs,
      }
      const text = (node: NodeWith<T>) =>
        node.role === 'assistant'
          ? store.replyText(run.tokens, run.stopReason)
          : node.role === 'completion'
            ? store.joinedText(run.tokens)
            : node.text
      return { ...withRun(doc, intent.target, run, text), updatedAt: intent.now ?? options.now }
    }
  }
}

/**
 * A `nodeAdded` as format 2 reads it. Journals written by format 1 added a branch under the
 * prompt, naming its tree parent in `branchOf` and starting its run with `prefix.count` tokens
 * of `prefix.fromNodeId`'s whole path: the branch leaves its parent there, and keeps only the
 * pick (completion-tree.ts).
 */
function legacyBranch(intent: Extract<SessionIntent, { type: 'nodeAdded' }>) {
  const { prefix } = intent
  if (!prefix) return { node: intent.node, first: intent.first }
  const { branchOf, ...node } = intent.node
  return {
    node: { ...node, parentId: branchOf ?? prefix.fromNodeId, forkAt: prefix.count },
    first: prefix.first ?? undefined,
  }
}

/** How many tokens the text ending at node `id` holds: its ancestors' kept parts and its own. */
function pathLength<T>(store: TokenStore<T>, doc: DocumentWith<T>, id: string): number {
  const chain: NodeWith<T>[] = []
  const seen = new Set<string>()
  for (let node = findNode(doc, id); node && !seen.has(node.id);) {
    seen.add(node.id)
    chain.unshift(node)
    node = node.parentId === null ? undefined : findNode(doc, node.parentId)
  }
  let length = 0
  for (const node of chain) {
    length = Math.min(length, node.forkAt ?? 0)
    length += node.run ? store.length(node.run.tokens) : 0
  }
  return length
}

/** Applies one intent to a document whose tokens are objects. */
export const applyIntent = (
  doc: SessionDocument,
  intent: SessionIntent,
  options: ApplyOptions,
): SessionDocument => applyIntentWith(arrayTokens, doc, intent, options) as SessionDocument

/**
 * Applies intents in order, all or none: if one is refused, in-place appends already made are
 * undone and the error names the intent.
 */
export function applyIntentsWith<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intents: readonly SessionIntent[],
  now: string,
  appended?: ApplyOptions<T>['appended'],
): DocumentWith<T> {
  const undo: (() => void)[] = []
  let current = doc
  for (const [i, intent] of intents.entries()) {
    try {
      current = applyIntentWith(store, current, intent, { now, undo, appended })
    } catch (error) {
      for (const step of undo.reverse()) step()
      if (error instanceof AppFailure && intents.length > 1) {
        throw new AppFailure({
          ...error.appError,
          message: `intents.${i} (${intent.type}): ${error.appError.message} Nothing in this update was applied.`,
        })
      }
      throw error
    }
  }
  return current
}

/** `applyIntentsWith` for a document whose tokens are objects (the UI's form). */
export const applyIntents = (
  doc: SessionDocument,
  intents: readonly SessionIntent[],
  now: string,
): SessionDocument => applyIntentsWith(arrayTokens, doc, intents, now) as SessionDocument

/**
 * `applyIntentsWith` for the host's document (tokens as columns). `appended` hears where each
 * `tokensAdded` put its tokens, in order, once all the intents were applied.
 */
export function applyStoredIntents(
  doc: StoredDocument,
  intents: readonly SessionIntent[],
  now: string,
  appended?: (columns: RunColumns, from: number, to: number) => void,
): StoredDocument {
  const ranges: [RunColumns, number, number][] = []
  const result = applyIntentsWith(columnTokens, doc, intents, now, (c, from, to) =>
    ranges.push([c, from, to]),
  )
  if (appended) for (const [c, from, to] of ranges) appended(c, from, to)
  return result
}
