import type * as fs from 'node:fs/promises'
import { AppFailure } from '../../shared/errors'
import type { RunTarget, SessionIntent } from '../../shared/session-intents'
import { sessionFileVersion, type SessionSummary, type StorageProblem } from '../../shared/sessions'
import type { StoredDocument } from '../../shared/stored-document'
import type { RunColumns } from '../../shared/token-columns'
import type { Migration } from './session-store'

export type FileStamp = { mtimeMs: number; size: number }

/**
 * An intent applied, not yet journaled. A `tokensAdded` is kept as where its tokens went in the
 * run's columns: its line is encoded from them, and the token objects that brought it die young.
 */
export type PendingLine = { s: number; at: string } & (
  | { intent: Exclude<SessionIntent, { type: 'tokensAdded' }> }
  | {
      batch: { target: RunTarget; columns: RunColumns; from: number; to: number; now?: string }
    }
)

export interface Pending {
  line: PendingLine[]
  waiters: { resolve: () => void; reject: (error: unknown) => void }[]
}

/** One session, as this store holds it. */
export interface Entry {
  id: string
  /** Null until loaded (or after it was created and then deleted). Runs' tokens as columns. */
  doc: StoredDocument | null
  /** The sequence number of the last intent applied. */
  seq: number
  /** The snapshot file as last read or written: 1 (the old whole document) or 2. */
  snapshotFormat: number
  snapshotBytes: number
  snapshotStamp: FileStamp | null
  journalBytes: number
  /** Loads, applies and compactions, one after another in the order they were asked for. */
  chain: Promise<void>
  ops: number
  /** Applied, not yet in the journal. */
  pending: Pending
  /** How many tokens `pending` holds. */
  pendingTokens: number
  appending: Promise<void> | null
  /** An append failed midway: the next starts on a fresh line. */
  tornJournal: boolean
  timer: ReturnType<typeof setTimeout> | null
  /** Targets with a run that started and has not ended. */
  openRuns: Map<string, RunTarget>
  compactWanted: boolean
  compactQueued: boolean
}

/** What one session store shares between its parts: its settings, its sessions and its flags. */
export interface StoreState {
  directory: string
  migrations: Record<number, Migration>
  io: Pick<typeof fs, 'writeFile' | 'rename' | 'appendFile'>
  cacheSize: number
  flushMs: number
  compactBytes: number
  compactRatio: number
  clock: () => string
  log: (line: string) => void
  trash: string
  corrupt: string
  problems: StorageProblem[]
  snapshotFile: (id: string) => string
  journalFile: (id: string) => string
  /** Most recently used last. */
  entries: Map<string, Entry>
  /** Summaries of sessions not in memory, valid while their files keep these stamps. */
  summaries: Map<string, { summary: SessionSummary; stamps: string }>
  closed: boolean
  /** Whether this launch removed the temporary files that interrupted saves left. */
  sweptLeftovers: boolean
}

export const idPattern = /^[A-Za-z0-9_-]{1,64}$/
/** Most tokens in one journal line, and the backlog that is written without waiting. */
export const lineTokens = 512
export const countTokens = (lines: Pending['line']) =>
  lines.reduce((n, l) => n + ('batch' in l ? l.batch.to - l.batch.from : 0), 0)
const targetKey = (target: RunTarget) =>
  'nodeId' in target ? `n:${target.nodeId}` : `c:${target.column}`

export function trackRun(open: Map<string, RunTarget>, intent: SessionIntent) {
  if (intent.type === 'runStarted') open.set(targetKey(intent.target), intent.target)
  if (intent.type === 'runEnded') open.delete(targetKey(intent.target))
}

export const noSession = (id: string) =>
  new AppFailure({ code: 'invalid-request', message: `There is no session ${id}.` })

export const pause = () => new Promise<void>((resolve) => setImmediate(resolve))

export function newEntry(id: string): Entry {
  return {
    id,
    doc: null,
    seq: 0,
    snapshotFormat: sessionFileVersion,
    snapshotBytes: 0,
    snapshotStamp: null,
    journalBytes: 0,
    chain: Promise.resolve(),
    ops: 0,
    pending: { line: [], waiters: [] },
    pendingTokens: 0,
    appending: null,
    tornJournal: false,
    timer: null,
    openRuns: new Map(),
    compactWanted: false,
    compactQueued: false,
  }
}

export function checkId(id: string): string {
  if (typeof id !== 'string' || !idPattern.test(id))
    throw new AppFailure({
      code: 'invalid-request',
      message: `"${String(id)}" is not a session id.`,
    })
  return id
}
