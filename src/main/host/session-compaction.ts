import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import { AppFailure, toAppError } from '../../shared/errors'
import { sessionFileVersion } from '../../shared/sessions'
import { enqueue } from './session-cache'
import { snapshotText } from './session-file'
import { firstLine, newerThanThis, parsedLine } from './session-headers'
import { saveFailure, scheduleAppend } from './session-journal'
import { countTokens, pause, type Entry, type StoreState } from './session-store-state'

/** Refuses to write over a snapshot that a newer Tokenscope wrote since we read it. */
export async function checkNotNewer(state: StoreState, entry: Entry) {
  const stamp = await fs.stat(state.snapshotFile(entry.id)).catch(() => null)
  if (!stamp) return
  const known = entry.snapshotStamp
  if (known && known.mtimeMs === stamp.mtimeMs && known.size === stamp.size) return
  const first = await firstLine(state.snapshotFile(entry.id))
  if (newerThanThis(parsedLine(first)) !== null) {
    throw new AppFailure({
      code: 'invalid-request',
      message: 'This session was saved by a newer Tokenscope; saving over it would lose data.',
      hint: 'Update Tokenscope, or save the conversation as a new session.',
    })
  }
  entry.snapshotStamp = { mtimeMs: stamp.mtimeMs, size: stamp.size }
}

export function maybeCompact(state: StoreState, entry: Entry) {
  if (state.closed || entry.compactQueued || !entry.doc || entry.openRuns.size > 0) return
  const grown =
    entry.journalBytes > 0 &&
    entry.journalBytes >= Math.max(state.compactBytes, entry.snapshotBytes * state.compactRatio)
  if (!entry.compactWanted && !grown) return
  if (entry.journalBytes === 0 && entry.pending.line.length === 0 && !entry.compactWanted) return
  entry.compactQueued = true
  void enqueue(state, entry, async () => {
    entry.compactQueued = false
    // A run may have started meanwhile: then it waits for the run to end.
    if (entry.openRuns.size > 0 || !entry.doc) return
    await writeSnapshot(state, entry)
  }).catch((error: unknown) => state.log(`session ${entry.id}: ${toAppError(error).message}`))
}

/**
 * Rewrites the snapshot with everything applied and empties the journal. Runs in the session's
 * chain, so the document does not change while it is written; the writing gives the event loop
 * back every few milliseconds.
 */
export async function writeSnapshot(state: StoreState, entry: Entry): Promise<void> {
  await entry.appending
  const { line: lines, waiters } = entry.pending
  entry.pending = { line: [], waiters: [] }
  entry.pendingTokens = 0
  if (entry.timer) clearTimeout(entry.timer)
  entry.timer = null
  const file = state.snapshotFile(entry.id)
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await checkNotNewer(state, entry)
    const buffers = await snapshotText(entry.doc!, entry.seq, pause)
    await fs.mkdir(state.directory, { recursive: true })
    await state.io.writeFile(temporary, buffers, { flush: true })
    await state.io.rename(temporary, file)
  } catch (error) {
    await fs.rm(temporary, { force: true })
    entry.pending.line.unshift(...lines)
    entry.pending.waiters.unshift(...waiters)
    entry.pendingTokens = countTokens(entry.pending.line)
    if (lines.length > 0) scheduleAppend(state, entry, 0)
    throw saveFailure(error)
  }
  const stamp = await fs.stat(file).catch(() => null)
  entry.snapshotStamp = stamp && { mtimeMs: stamp.mtimeMs, size: stamp.size }
  entry.snapshotBytes = stamp?.size ?? 0
  entry.snapshotFormat = sessionFileVersion
  entry.compactWanted = false
  // Lines up to `seq` are in the snapshot now; a crash before this leaves them to be skipped.
  await fs.rm(state.journalFile(entry.id), { force: true })
  entry.journalBytes = 0
  entry.tornJournal = false
  waiters.forEach((w) => w.resolve())
}
