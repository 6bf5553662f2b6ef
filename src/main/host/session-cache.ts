import * as fs from 'node:fs/promises'
import type { SessionDocument, SessionSummary } from '../../shared/sessions'
import { checkId, newEntry, type Entry, type StoreState } from './session-store-state'

export function entryFor(state: StoreState, id: string): Entry {
  checkId(id)
  const { entries } = state
  let entry = entries.get(id)
  if (entry) entries.delete(id)
  else entry = newEntry(id)
  entries.set(id, entry)
  return entry
}

/** Runs `op` after everything enqueued for this session before it. */
export function enqueue<T>(state: StoreState, entry: Entry, op: () => Promise<T>): Promise<T> {
  entry.ops++
  const result = entry.chain.then(op)
  entry.chain = result.then(
    () => settle(state, entry),
    () => settle(state, entry),
  )
  return result
}

function settle(state: StoreState, entry: Entry) {
  entry.ops--
  trimCache(state)
}

const idle = (e: Entry) =>
  e.ops === 0 &&
  e.pending.line.length === 0 &&
  e.appending === null &&
  e.timer === null &&
  e.openRuns.size === 0 &&
  !e.compactQueued

/** Forgets the least recently used idle documents beyond `cacheSize`. */
export function trimCache(state: StoreState) {
  const { entries } = state
  let excess = entries.size - state.cacheSize
  for (const entry of entries.values()) {
    if (excess <= 0) return
    if (!idle(entry)) continue
    if (entry.doc) void rememberSummary(state, entry.id, summaryOf(entry.doc))
    entries.delete(entry.id)
    excess--
  }
}

export async function stampsOf(state: StoreState, id: string): Promise<string> {
  const [snapshot, journal] = await Promise.all([
    fs.stat(state.snapshotFile(id)).catch(() => null),
    fs.stat(state.journalFile(id)).catch(() => null),
  ])
  return JSON.stringify([snapshot?.mtimeMs, snapshot?.size, journal?.mtimeMs, journal?.size])
}

async function rememberSummary(state: StoreState, id: string, summary: SessionSummary) {
  state.summaries.set(id, { summary, stamps: await stampsOf(state, id) })
}

export function summaryOf(doc: Pick<SessionDocument, 'id' | 'title' | 'kind' | 'updatedAt'>) {
  const { id, title, kind, updatedAt } = doc
  return { id, title, kind, updatedAt }
}
