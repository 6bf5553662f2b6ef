import type { RunRecord } from '../../shared/conversation'
import { sessionFileVersion, type SessionDocument } from '../../shared/sessions'
import type { StoredDocument, StoredRun } from '../../shared/stored-document'
import { breather, TextSink, writeEncodedTokens } from './session-column-writer'
import { decodeRun } from './session-token-decoding'
import type { EncodedRun } from './session-token-encoding'

/**
 * The host's session files, version 2 (see `sessionFileVersion`):
 *
 * `<id>.json`, the snapshot, written whole and atomically:
 *   line 1  header: `{schemaVersion: 2, seq, id, title, kind, createdAt, updatedAt}`; the
 *           session list reads only this line
 *   line 2  the document, every run replaced by its number (null: none)
 *   line 3… one run per line, its tokens as columns (`EncodedRun`)
 *
 * `<id>.journal`, append-only, one intent per line: `{s: seq, at: time, i: intent}`, where a
 * `tokensAdded` intent's tokens and a `runStarted` intent's prompt are columns too. Replay skips
 * lines with `s` up to the snapshot's `seq`, so a crash between writing a snapshot and emptying
 * the journal is harmless.
 *
 * Columns: a token is its numbers in parallel arrays, its alternatives as flat parallel arrays
 * with a count per token, and each token text once per id (a run's texts all come from one
 * model). JSON writes numbers exactly, so a document reads back as it was.
 *
 * Token columns: session-token-encoding.ts and session-token-decoding.ts; writing them straight
 * from a run's columns: session-column-writer.ts; journal lines: session-journal-lines.ts.
 */

export interface SnapshotHeader {
  schemaVersion: number
  seq: number
  id: string
  title: string
  kind: SessionDocument['kind']
  createdAt: string
  updatedAt: string
}

export function headerOf(
  doc: Pick<SessionDocument, 'id' | 'title' | 'kind' | 'createdAt' | 'updatedAt'>,
  seq: number,
): SnapshotHeader {
  const { id, title, kind, createdAt, updatedAt } = doc
  return { schemaVersion: sessionFileVersion, seq, id, title, kind, createdAt, updatedAt }
}

/**
 * A snapshot's text, as UTF-8 buffers, working at most about `sliceMs` at a time before awaiting
 * `pause()`: a long session is written without holding the event loop. Runs are written straight
 * from their columns (the file's form already), a slice of a column at a time.
 */
export async function snapshotText(
  doc: StoredDocument,
  seq: number,
  pause: () => Promise<void>,
  sliceMs = 4,
): Promise<Buffer[]> {
  const pieces = new TextSink()
  const breathe = breather(pause, sliceMs)
  const runs: StoredRun[] = []
  const numbered = (run: StoredRun | null) => (run ? runs.push(run) - 1 : null)
  const skeleton = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: numbered(n.run) })) }
  pieces.push(JSON.stringify(headerOf(doc, seq)), '\n', JSON.stringify(skeleton), '\n')
  for (const run of runs) {
    await breathe()
    const meta = {
      stopReason: run.stopReason,
      sampling: run.sampling,
      tokensPerSecond: run.tokensPerSecond,
      timeToFirstTokenMs: run.timeToFirstTokenMs,
    }
    await writeEncodedTokens(run.tokens, 0, run.tokens.length, run.prompt, pieces, breathe)
    // The run's other fields close the object.
    pieces.push(`,${JSON.stringify(meta).slice(1)}`, '\n')
  }
  return pieces.finish()
}

/** Reads a version-2 snapshot's lines back into the document (unchecked) and its sequence. */
export function parseSnapshot(lines: string[]): { header: SnapshotHeader; document: unknown } {
  const header = JSON.parse(lines[0] ?? '') as SnapshotHeader
  const skeleton = JSON.parse(lines[1] ?? '') as {
    nodes?: { run: number | null }[]
    compare?: { columns?: { run: number | null }[] }
  }
  const runs = new Map<number, RunRecord>()
  const run = (n: number | null) => {
    if (n === null) return null
    let record = runs.get(n)
    if (!record) {
      const line = lines[2 + n]
      if (line === undefined) throw new Error(`run ${n} is missing`)
      record = decodeRun(JSON.parse(line) as EncodedRun)
      runs.set(n, record)
    }
    return record
  }
  const document = {
    ...skeleton,
    nodes: skeleton.nodes?.map((node) => ({ ...node, run: run(node.run) })),
    // Session format 2 kept a comparison's runs in its record (session-legacy.ts).
    ...(skeleton.compare && {
      compare: {
        ...skeleton.compare,
        columns: skeleton.compare.columns?.map((c) => ({ ...c, run: run(c.run) })),
      },
    }),
  }
  return { header, document }
}
