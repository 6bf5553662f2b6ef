import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppFailure } from '../../shared/errors'
import { applyStoredIntents } from '../../shared/session-apply'
import { sessionMigrations } from '../../shared/session-migrate'
import { parseUpdateSessionRequest } from '../../shared/session-intent-schema'
import type { SessionIntent } from '../../shared/session-intents'
import type { SessionService } from '../../shared/sessions'
import { storedDocument } from '../../shared/stored-document'
import { enqueue, entryFor, summaryOf } from './session-cache'
import { loaded } from './session-load'
import { writeSnapshot } from './session-compaction'
import { append, pend, scheduleAppend, written } from './session-journal'
import { listSummaries } from './session-listing'
import { createSessionReads } from './session-reads'
import { checkId, lineTokens, type StoreState } from './session-store-state'

/** Upgrades a document from version `from` to `from + 1`. */
export type Migration = (document: Record<string, unknown>) => Record<string, unknown>

export interface SessionStoreOptions {
  directory: string
  /** Document migrations, keyed by the version they upgrade from. */
  migrations?: Record<number, Migration>
  /** The file-system calls that write; replaceable so tests can fail them midway. */
  io?: Partial<Pick<typeof fs, 'writeFile' | 'rename' | 'appendFile'>>
  /** How many documents stay in memory when nothing is happening to them (default 8). */
  cacheSize?: number
  /** How long recorded tokens wait before they are appended to the journal (default 150 ms). */
  flushMs?: number
  /**
   * When nothing records, a journal of at least `compactBytes` (default 256 KB) and at least
   * `compactRatio` (default 1) times the snapshot's size is folded into a new snapshot: each
   * byte written is rewritten a bounded number of times, however long the session grows.
   */
  compactBytes?: number
  compactRatio?: number
  /** The clock for intents that carry no time of their own. */
  now?: () => string
  log?: (line: string) => void
}

/** The session service, plus what the host's run recorder needs. */
export interface SessionStore extends Omit<SessionService, 'searchSessions'> {
  /**
   * Applies intents the host itself produced (a run's tokens) to session `id`, after every
   * intent enqueued before; appended to the journal within `flushMs`, at once for a `runEnded`.
   * Rejects if they were refused (the session is gone, say).
   */
  record(id: string, intents: SessionIntent[]): Promise<void>
  /** Writes everything applied so far. */
  flush(): Promise<void>
  /** Writes everything and stops the timers. */
  close(): Promise<void>
}

/**
 * Sessions as a snapshot file and an append-only journal each (format in session-file.ts). The
 * host applies the UI's intents and records runs as they pass; each session's intents are applied
 * strictly in the order they arrive and journaled in batches, so recording costs O(batch). The
 * snapshot is rewritten (atomically: a temporary file renamed over the old one) only while the
 * session records nothing: on load when the journal has lines, and when the journal has grown.
 * A file that cannot be read is moved to `corrupt/` and reported, never silently emptied; a file
 * from a newer Tokenscope is left untouched and refused.
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { directory } = options
  const state: StoreState = {
    directory,
    migrations: { ...sessionMigrations, ...options.migrations },
    io: {
      writeFile: options.io?.writeFile ?? fs.writeFile,
      rename: options.io?.rename ?? fs.rename,
      appendFile: options.io?.appendFile ?? fs.appendFile,
    },
    cacheSize: options.cacheSize ?? 8,
    flushMs: options.flushMs ?? 150,
    compactBytes: options.compactBytes ?? 256 * 1024,
    compactRatio: options.compactRatio ?? 1,
    clock: options.now ?? (() => new Date().toISOString()),
    log: options.log ?? (() => undefined),
    trash: join(directory, 'trash'),
    corrupt: join(directory, 'corrupt'),
    problems: [],
    snapshotFile: (id) => join(directory, `${checkId(id)}.json`),
    journalFile: (id) => join(directory, `${checkId(id)}.journal`),
    entries: new Map(),
    summaries: new Map(),
    closed: false,
    sweptLeftovers: false,
  }
  const { trash, problems, entries, summaries, clock, snapshotFile, journalFile } = state

  return {
    listSessions: () => listSummaries(state),

    ...createSessionReads(state),

    async updateSession(input) {
      // Checked and enqueued before anything is awaited: intents are applied in arrival order.
      const { id, intents } = parseUpdateSessionRequest(input)
      const entry = entryFor(state, id)
      const [first, ...rest] = intents
      if (first?.type === 'created') {
        return enqueue(state, entry, async () => {
          const exists = entry.doc || (await fs.stat(snapshotFile(id)).catch(() => null))
          if (exists) {
            throw new AppFailure({
              code: 'invalid-request',
              message: `Session ${id} already exists.`,
              hint: 'Load it, or create the new one under another id.',
            })
          }
          const doc = applyStoredIntents(storedDocument(first.document), rest, clock())
          entry.doc = doc
          entry.seq = intents.length
          entry.openRuns.clear()
          entry.snapshotStamp = null
          try {
            await writeSnapshot(state, entry)
          } catch (error) {
            entry.doc = null
            throw error
          }
          return summaryOf(doc)
        })
      }
      const applied = await enqueue(state, entry, async () => {
        await loaded(state, entry)
        pend(entry, intents, clock())
        return { summary: summaryOf(entry.doc!), saved: written(state, entry, 0) }
      })
      await applied.saved
      return applied.summary
    },

    async deleteSession({ id }) {
      const entry = entryFor(state, id)
      await enqueue(state, entry, async () => {
        await append(state, entry)
        if (entry.timer) clearTimeout(entry.timer)
        entry.timer = null
        await fs.mkdir(trash, { recursive: true })
        await fs.rename(snapshotFile(id), join(trash, `${id}.json`))
        await fs.rename(journalFile(id), join(trash, `${id}.journal`)).catch(() => undefined)
        entry.doc = null
        entry.openRuns.clear()
        summaries.delete(id)
      })
    },

    async restoreSession({ id }) {
      const entry = entryFor(state, id)
      await enqueue(state, entry, async () => {
        await fs.rename(join(trash, `${checkId(id)}.json`), snapshotFile(id))
        await fs.rename(join(trash, `${id}.journal`), journalFile(id)).catch(() => undefined)
        entry.doc = null
      })
    },

    async storageProblems() {
      return [...problems]
    },

    async record(id, intents) {
      const entry = entryFor(state, id)
      return enqueue(state, entry, async () => {
        await loaded(state, entry)
        pend(entry, intents, clock())
        const ended = intents.some((i) => i.type === 'runEnded')
        // A backlog (tokens coming faster than the timer) is written in bounded batches.
        scheduleAppend(state, entry, ended || entry.pendingTokens >= lineTokens ? 0 : state.flushMs)
      })
    },

    async flush() {
      await Promise.all([...entries.values()].map((e) => e.chain))
      await Promise.all([...entries.values()].map((e) => append(state, e)))
    },

    async close() {
      state.closed = true
      await this.flush()
      for (const entry of entries.values()) if (entry.timer) clearTimeout(entry.timer)
    },
  }
}
