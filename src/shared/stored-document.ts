import type { GeneratedToken } from './contract'
import type { RunRecord } from './conversation'
import type { SessionDocument, SessionNode } from './sessions'
import { RunColumns } from './token-columns'

/* A session document whose runs hold their tokens as `T`: the UI's (`GeneratedToken[]`) or the
   host's (`RunColumns`). */
export type RunWith<T> = Omit<RunRecord, 'tokens'> & { tokens: T }
export type NodeWith<T> = Omit<SessionNode, 'run'> & { run: RunWith<T> | null }
export type DocumentWith<T> = Omit<SessionDocument, 'nodes'> & { nodes: NodeWith<T>[] }

/** The host's in-memory session: every run's tokens as columns. */
export type StoredDocument = DocumentWith<RunColumns>
export type StoredRun = RunWith<RunColumns>

/** The document with every run's tokens converted by `convert` (a run shared stays shared). */
export function mapRuns<A, B>(doc: DocumentWith<A>, convert: (tokens: A) => B): DocumentWith<B> {
  const done = new Map<RunWith<A>, RunWith<B>>()
  const run = (r: RunWith<A> | null): RunWith<B> | null => {
    if (!r) return null
    let converted = done.get(r)
    if (!converted) {
      converted = { ...r, tokens: convert(r.tokens) }
      done.set(r, converted)
    }
    return converted
  }
  return { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: run(n.run) })) }
}

/** The host's form of a document. */
export const storedDocument = (doc: SessionDocument): StoredDocument =>
  mapRuns(doc, (tokens) => RunColumns.from(tokens))

/**
 * The UI's form of a stored document, made a slice of tokens at a time with `breathe()` between
 * slices (it pauses when it has worked long enough): a long run is expanded without holding the
 * event loop.
 */
export async function expandDocument(
  doc: StoredDocument,
  breathe: () => Promise<void>,
): Promise<SessionDocument> {
  const expanded = new Map<RunColumns, GeneratedToken[]>()
  for (const run of doc.nodes.map((n) => n.run)) {
    if (!run || expanded.has(run.tokens)) continue
    const tokens: GeneratedToken[] = []
    for (let i = 0; i < run.tokens.length; i += 256) {
      for (const token of run.tokens.tokens(i, Math.min(run.tokens.length, i + 256)))
        tokens.push(token)
      await breathe()
    }
    expanded.set(run.tokens, tokens)
  }
  return mapRuns(doc, (columns) => expanded.get(columns) ?? columns.tokens()) as SessionDocument
}

/** The UI's form of a stored document: every token an object again. */
export const expandedDocument = (doc: StoredDocument): SessionDocument =>
  mapRuns(doc, (columns) => columns.tokens()) as SessionDocument
