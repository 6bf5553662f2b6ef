import { conversationReducer, replyText, type RunRecord } from './conversation'
import { AppFailure } from './errors'
import { limits } from './schemas'
import type { RunTarget, SessionIntent } from './session-intents'
import type { CompareRecord, SessionDocument, SessionNode } from './sessions'

/**
 * Applies session intents to a document: the host's saved copy (session-store.ts) and, for the
 * chat intents, the UI's own copy through `conversationReducer`, so that both end identical.
 *
 * Documents are treated as values, with one exception: `tokensAdded` appends to the run's token
 * array in place, so that recording a long run costs O(batch) per batch, never a copy of every
 * token so far. An intent that names a missing node or column, or would make the document fail
 * its schema, is refused with an AppFailure and changes nothing.
 */

const maxNodes = 100_000
const maxNodeText = limits.promptChars * 4

export interface ApplyOptions {
  /** The time for intents that carry none (host-recorded ones): the new `updatedAt`. */
  now: string
  /** Undoes in-place changes if a later intent of the same update is refused. */
  undo?: (() => void)[]
}

function refuse(message: string): never {
  throw new AppFailure({ code: 'invalid-request', message })
}

/** Node positions by id, kept per nodes array (a new array is made whenever the tree changes). */
const indexes = new WeakMap<readonly SessionNode[], Map<string, number>>()
function indexOf(nodes: readonly SessionNode[]): Map<string, number> {
  let index = indexes.get(nodes)
  if (!index) {
    index = new Map(nodes.map((n, i) => [n.id, i]))
    indexes.set(nodes, index)
  }
  return index
}

export function findNode(doc: SessionDocument, id: string): SessionNode | undefined {
  const at = indexOf(doc.nodes).get(id)
  return at === undefined ? undefined : doc.nodes[at]
}

function existingNode(doc: SessionDocument, id: string, what = 'node'): SessionNode {
  return findNode(doc, id) ?? refuse(`There is no ${what} ${id} in this session.`)
}

function checkNewIds(doc: SessionDocument, ...ids: string[]) {
  if (new Set(ids).size !== ids.length)
    refuse(`The new nodes need different ids (${ids.join(', ')}).`)
  for (const id of ids)
    if (findNode(doc, id)) refuse(`A node ${id} already exists in this session.`)
  if (doc.nodes.length + ids.length > maxNodes)
    refuse(`A session holds at most ${maxNodes.toLocaleString('en')} nodes.`)
}

/** The document with node `id` replaced (index carried over: the ids do not change). */
function withNode(doc: SessionDocument, node: SessionNode): SessionDocument {
  const index = indexOf(doc.nodes)
  const at = index.get(node.id) ?? refuse(`There is no node ${node.id} in this session.`)
  const nodes = doc.nodes.slice()
  nodes[at] = node
  indexes.set(nodes, index)
  return { ...doc, nodes }
}

function withAddedNodes(
  doc: SessionDocument,
  added: SessionNode[],
  rest: Partial<SessionDocument>,
) {
  const nodes = [...doc.nodes, ...added]
  const old = indexes.get(doc.nodes)
  if (old) {
    const index = new Map(old)
    added.forEach((n, i) => index.set(n.id, doc.nodes.length + i))
    indexes.set(nodes, index)
  }
  return { ...doc, ...rest, nodes }
}

const targetName = (target: RunTarget) =>
  'nodeId' in target ? `node ${target.nodeId}` : `column ${target.column}`

function column(doc: SessionDocument, key: string) {
  const compare = doc.compare ?? refuse('This session has no comparison.')
  const at = compare.columns.findIndex((c) => c.key === key)
  if (at < 0) refuse(`There is no column ${key} in this comparison.`)
  return { compare, at, column: compare.columns[at]! }
}

function runOf(doc: SessionDocument, target: RunTarget): RunRecord | null {
  if ('nodeId' in target) return existingNode(doc, target.nodeId).run
  return column(doc, target.column).column.run
}

/** The document with `target`'s run (and, for a node, its text) replaced. */
function withRun(
  doc: SessionDocument,
  target: RunTarget,
  run: RunRecord,
  text?: (node: SessionNode) => string,
): SessionDocument {
  if ('nodeId' in target) {
    const node = existingNode(doc, target.nodeId)
    const newText = text ? text(node) : node.text
    if (newText.length > maxNodeText) refuse(`The text of node ${node.id} would be too long.`)
    return withNode(doc, { ...node, run, text: newText })
  }
  const { compare, at } = column(doc, target.column)
  const columns = compare.columns.slice()
  columns[at] = { ...columns[at]!, run }
  return { ...doc, compare: { ...compare, columns } }
}

function runnable(doc: SessionDocument, target: RunTarget) {
  if ('nodeId' in target) {
    const node = existingNode(doc, target.nodeId)
    if (node.role !== 'assistant' && node.role !== 'completion')
      refuse(
        `Node ${node.id} is a ${node.role} node; runs are recorded into replies and completions.`,
      )
  } else column(doc, target.column)
}

/** Applies one intent; throws an AppFailure 'invalid-request' (and changes nothing) if refused. */
export function applyIntent(
  doc: SessionDocument,
  intent: SessionIntent,
  options: ApplyOptions,
): SessionDocument {
  switch (intent.type) {
    case 'created':
      return refuse(`Session ${doc.id} already exists.`)
    case 'sent':
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversationReducer(doc, intent)
    case 'regenerated': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'assistant') refuse(`Node ${old.id} is not a reply.`)
      checkNewIds(doc, intent.replyId)
      return conversationReducer(doc, intent)
    }
    case 'edited': {
      const old = existingNode(doc, intent.nodeId)
      if (old.role !== 'user') refuse(`Node ${old.id} is not a user message.`)
      checkNewIds(doc, intent.userId, intent.replyId)
      return conversationReducer(doc, intent)
    }
    case 'switched':
      existingNode(doc, intent.nodeId)
      return conversationReducer(doc, intent)
    case 'systemChanged':
    case 'renamed':
      return conversationReducer(doc, intent)
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
      const { node, prefix } = intent
      checkNewIds(doc, node.id)
      if (node.parentId !== null) existingNode(doc, node.parentId, 'parent node')
      let run: RunRecord | null = null
      if (prefix) {
        const source = existingNode(doc, prefix.fromNodeId).run
        if (!source) refuse(`Node ${prefix.fromNodeId} has no run to branch from.`)
        if (prefix.count > source.tokens.length)
          refuse(`Node ${prefix.fromNodeId}'s run has only ${source.tokens.length} tokens.`)
        const tokens = source.tokens.slice(0, prefix.count)
        if (prefix.first) tokens.push(prefix.first)
        run = {
          prompt: source.prompt,
          tokens,
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
      return {
        ...doc,
        compare: keptRuns(doc.compare, intent.compare),
        updatedAt: intent.now ?? options.now,
      }
    case 'runStarted': {
      runnable(doc, intent.target)
      const base = {
        prompt: intent.prompt,
        stopReason: 'cancelled' as const,
        sampling: intent.sampling,
        tokensPerSecond: null,
        timeToFirstTokenMs: null,
      }
      // A node keeps the tokens it holds (a branch's path so far); a column starts afresh.
      const tokens = 'nodeId' in intent.target ? (runOf(doc, intent.target)?.tokens ?? []) : []
      return { ...withRun(doc, intent.target, { ...base, tokens }), updatedAt: options.now }
    }
    case 'tokensAdded': {
      const run =
        runOf(doc, intent.target) ??
        refuse(`${targetName(intent.target)} has no run to add tokens to.`)
      const tokens = run.tokens
      const length = tokens.length
      for (const token of intent.tokens) tokens.push(token)
      options.undo?.push(() => {
        tokens.length = length
      })
      return { ...doc, updatedAt: options.now }
    }
    case 'runEnded': {
      runnable(doc, intent.target)
      const old = runOf(doc, intent.target)
      const sampling = old?.sampling ?? intent.sampling
      if (!sampling) refuse(`${targetName(intent.target)} has no run to end.`)
      const run: RunRecord = {
        prompt: old?.prompt ?? [],
        tokens: old?.tokens ?? [],
        stopReason: intent.stopReason,
        sampling,
        tokensPerSecond: intent.tokensPerSecond,
        timeToFirstTokenMs: intent.timeToFirstTokenMs,
      }
      const text = (node: SessionNode) =>
        node.role === 'assistant'
          ? replyText(run.tokens, run.stopReason)
          : node.role === 'completion'
            ? run.tokens.map((t) => t.text).join('')
            : node.text
      return { ...withRun(doc, intent.target, run, text), updatedAt: options.now }
    }
  }
}

/** The new comparison, each column keeping the run it had under the same key. */
function keptRuns(old: CompareRecord | undefined, next: CompareRecord): CompareRecord {
  const keys = next.columns.map((c) => c.key)
  if (new Set(keys).size !== keys.length) refuse("The comparison's columns need different keys.")
  const runs = new Map(old?.columns.map((c) => [c.key, c.run]) ?? [])
  return { ...next, columns: next.columns.map((c) => ({ ...c, run: runs.get(c.key) ?? null })) }
}

/**
 * Applies intents in order, all or none: if one is refused, in-place appends already made are
 * undone and the error names the intent.
 */
export function applyIntents(
  doc: SessionDocument,
  intents: readonly SessionIntent[],
  now: string,
): SessionDocument {
  const undo: (() => void)[] = []
  let current = doc
  for (const [i, intent] of intents.entries()) {
    try {
      current = applyIntent(current, intent, { now, undo })
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
