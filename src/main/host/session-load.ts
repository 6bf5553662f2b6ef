import * as fs from 'node:fs/promises'
import { toAppError } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { applyStoredIntents } from '../../shared/session-apply'
import type { RunTarget, SessionIntent } from '../../shared/session-intents'
import {
  sessionDocumentSchema,
  sessionFileVersion,
  sessionSchemaVersion,
} from '../../shared/sessions'
import { storedDocument, type StoredDocument } from '../../shared/stored-document'
import { parseSnapshot } from './session-file'
import { decodeIntent, type JournalLine } from './session-journal-lines'
import { newerThanThis } from './session-headers'
import { pend } from './session-journal'
import { newerVersion, setAside } from './session-problems'
import { noSession, trackRun, type Entry, type StoreState } from './session-store-state'
/** Reads session `id` from its snapshot and journal into `entry`. */
export async function load(state: StoreState, entry: Entry): Promise<void> {
  const { id } = entry
  const file = state.snapshotFile(id)
  const text = await fs.readFile(file, 'utf8').catch(() => null)
  if (text === null) throw noSession(id)
  const stamp = await fs.stat(file).catch(() => null)
  const newline = text.indexOf('\n')
  let first: Record<string, unknown>
  try {
    first = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as Record<string, unknown>
  } catch {
    // A version-1 file written by hand may span lines.
    try {
      first = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw await setAside(state, id, 'it is not valid JSON')
    }
  }
  if (first === null || typeof first !== 'object' || Array.isArray(first))
    throw await setAside(state, id, 'it holds no session')
  const version = typeof first.schemaVersion === 'number' ? first.schemaVersion : 0
  const newer = newerThanThis(first)
  if (newer !== null) throw newerVersion(state, id, newer)
  let raw: Record<string, unknown> = first
  let seq = 0
  const snapshot = version === sessionFileVersion && 'seq' in first
  if (snapshot) {
    try {
      const snapshot = parseSnapshot(text.split('\n'))
      raw = snapshot.document as Record<string, unknown>
      seq = snapshot.header.seq
    } catch (error) {
      throw await setAside(state, id, `its snapshot is damaged: ${toAppError(error).message}`)
    }
  }
  const docVersion = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0
  if (docVersion > sessionSchemaVersion) throw newerVersion(state, id, docVersion)
  for (let v = docVersion; v < sessionSchemaVersion; v++) {
    const migrate = state.migrations[v]
    if (!migrate) throw await setAside(state, id, `no migration from format ${v}`)
    raw = migrate(raw)
  }
  const parsed = sessionDocumentSchema.safeParse(raw)
  if (!parsed.success) throw await setAside(state, id, describeIssues(parsed.error))
  // Opened by its file name, saved under its id: the two must agree or it could not be opened.
  if (parsed.data.id !== id)
    throw await setAside(
      state,
      id,
      `it names session "${parsed.data.id}", not "${id}" as its file does`,
    )
  let doc = storedDocument(parsed.data)

  // The journal: every intent after the snapshot. A line cut short by a crash is dropped.
  const journal = await fs.readFile(state.journalFile(id), 'utf8').catch(() => '')
  const complete = journal.lastIndexOf('\n') + 1
  if (complete < journal.length) {
    await fs.truncate(state.journalFile(id), Buffer.byteLength(journal.slice(0, complete)))
  }
  let replayed = 0
  const openRuns = new Map<string, RunTarget>()
  for (const text of journal.slice(0, complete).split('\n')) {
    if (text === '') continue
    try {
      const line = JSON.parse(text) as JournalLine
      if (line.s <= seq) continue
      const intent = decodeIntent(line.i)
      doc = applyStoredIntents(doc, [intent], line.at)
      seq = line.s
      replayed++
      trackRun(openRuns, intent)
    } catch (error) {
      state.log(`session ${id}: skipped a journal line (${toAppError(error).message})`)
    }
  }
  entry.doc = doc
  entry.seq = seq
  // A migrated document counts as an older file: it is rewritten with its next change.
  entry.snapshotFormat = snapshot && docVersion === sessionSchemaVersion ? sessionFileVersion : 1
  entry.snapshotBytes = Buffer.byteLength(text)
  entry.snapshotStamp = stamp && { mtimeMs: stamp.mtimeMs, size: stamp.size }
  entry.journalBytes = complete
  // Runs the host was recording when it stopped: they read as stopped, with what they had.
  for (const target of openRuns.values()) {
    pend(entry, [cancelled(target)], doc.updatedAt)
  }
  if (replayed > 0 || openRuns.size > 0) entry.compactWanted = true
}

const cancelled = (target: RunTarget): SessionIntent => ({
  type: 'runEnded',
  target,
  stopReason: 'cancelled',
  tokensPerSecond: null,
  timeToFirstTokenMs: null,
})

/** The session's document, read from its files first if it is not in memory. */
export async function loaded(state: StoreState, entry: Entry): Promise<StoredDocument> {
  if (!entry.doc) await load(state, entry)
  return entry.doc!
}
