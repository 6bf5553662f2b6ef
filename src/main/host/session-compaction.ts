import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import { sessionFileVersion } from '../../shared/sessions'
import { snapshotText } from './session-file'
import { checkNotNewer, saveFailure } from './session-problems'
import { countTokens, pause, type Entry, type StoreState } from './session-store-state'

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
