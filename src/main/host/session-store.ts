import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppFailure, toAppError } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { applyStoredIntents } from '../../shared/session-apply'
import { sessionMigrations } from '../../shared/session-migrate'
import { parseUpdateSessionRequest } from '../../shared/session-intent-schema'
import {
  defaultPageTokens,
  outlineDocument,
  pageOf,
  parseSessionPageRequest,
  runAt,
} from '../../shared/session-pages'
import type { RunTarget, SessionIntent } from '../../shared/session-intents'
import {
  sessionDocumentSchema,
  sessionFileVersion,
  sessionSchemaVersion,
  type SessionDocument,
  type SessionService,
  type SessionSummary,
  type StorageProblem,
} from '../../shared/sessions'
import { expandDocument, storedDocument, type StoredDocument } from '../../shared/stored-document'
import type { RunColumns } from '../../shared/token-columns'
import {
  decodeIntent,
  breather,
  encodeIntent,
  parseSnapshot,
  snapshotText,
  TextSink,
  type JournalLine,
  writeEncodedTokens,
} from './session-file'

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

type FileStamp = { mtimeMs: number; size: number }

/**
 * An intent applied, not yet journaled. A `tokensAdded` is kept as where its tokens went in the
 * run's columns: its line is encoded from them, and the token objects that brought it die young.
 */
type PendingLine = { s: number; at: string } & (
  | { intent: Exclude<SessionIntent, { type: 'tokensAdded' }> }
  | {
      batch: { target: RunTarget; columns: RunColumns; from: number; to: number; now?: string }
    }
)

interface Pending {
  line: PendingLine[]
  waiters: { resolve: () => void; reject: (error: unknown) => void }[]
}

/** One session, as this store holds it. */
interface Entry {
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

const idPattern = /^[A-Za-z0-9_-]{1,64}$/
/** Most tokens in one journal line, and the backlog that is written without waiting. */
const lineTokens = 512
const countTokens = (lines: Pending['line']) =>
  lines.reduce((n, l) => n + ('batch' in l ? l.batch.to - l.batch.from : 0), 0)
const targetKey = (target: RunTarget) =>
  'nodeId' in target ? `n:${target.nodeId}` : `c:${target.column}`

const noSession = (id: string) =>
  new AppFailure({ code: 'invalid-request', message: `There is no session ${id}.` })

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
  const migrations = { ...sessionMigrations, ...options.migrations }
  const io = {
    writeFile: options.io?.writeFile ?? fs.writeFile,
    rename: options.io?.rename ?? fs.rename,
    appendFile: options.io?.appendFile ?? fs.appendFile,
  }
  const cacheSize = options.cacheSize ?? 8
  const flushMs = options.flushMs ?? 150
  const compactBytes = options.compactBytes ?? 256 * 1024
  const compactRatio = options.compactRatio ?? 1
  const clock = options.now ?? (() => new Date().toISOString())
  const log = options.log ?? (() => undefined)
  const trash = join(directory, 'trash')
  const corrupt = join(directory, 'corrupt')
  const problems: StorageProblem[] = []
  const snapshotFile = (id: string) => join(directory, `${checkId(id)}.json`)
  const journalFile = (id: string) => join(directory, `${checkId(id)}.journal`)
  /** Most recently used last. */
  const entries = new Map<string, Entry>()
  /** Summaries of sessions not in memory, valid while their files keep these stamps. */
  const summaries = new Map<string, { summary: SessionSummary; stamps: string }>()
  let closed = false
  /** Whether this launch removed the temporary files that interrupted saves left. */
  let sweptLeftovers = false

  function entryFor(id: string): Entry {
    checkId(id)
    let entry = entries.get(id)
    if (entry) entries.delete(id)
    else
      entry = {
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
    entries.set(id, entry)
    return entry
  }

  /** Runs `op` after everything enqueued for this session before it. */
  function enqueue<T>(entry: Entry, op: () => Promise<T>): Promise<T> {
    entry.ops++
    const result = entry.chain.then(op)
    entry.chain = result.then(
      () => settle(entry),
      () => settle(entry),
    )
    return result
  }

  function settle(entry: Entry) {
    entry.ops--
    trimCache()
  }

  const idle = (e: Entry) =>
    e.ops === 0 &&
    e.pending.line.length === 0 &&
    e.appending === null &&
    e.timer === null &&
    e.openRuns.size === 0 &&
    !e.compactQueued

  /** Forgets the least recently used idle documents beyond `cacheSize`. */
  function trimCache() {
    let excess = entries.size - cacheSize
    for (const entry of entries.values()) {
      if (excess <= 0) return
      if (!idle(entry)) continue
      if (entry.doc) void rememberSummary(entry.id, summaryOf(entry.doc))
      entries.delete(entry.id)
      excess--
    }
  }

  async function stampsOf(id: string): Promise<string> {
    const [snapshot, journal] = await Promise.all([
      fs.stat(snapshotFile(id)).catch(() => null),
      fs.stat(journalFile(id)).catch(() => null),
    ])
    return JSON.stringify([snapshot?.mtimeMs, snapshot?.size, journal?.mtimeMs, journal?.size])
  }

  async function rememberSummary(id: string, summary: SessionSummary) {
    summaries.set(id, { summary, stamps: await stampsOf(id) })
  }

  function remember(problem: StorageProblem) {
    if (!problems.some((p) => p.message === problem.message)) problems.push(problem)
  }

  function newerVersion(id: string, version: number): AppFailure {
    const message = `${id}.json was saved by a newer Tokenscope (format ${version}). It was left untouched.`
    remember({ file: `${id}.json`, kind: 'newer-version', message })
    return new AppFailure({
      code: 'invalid-request',
      message,
      hint: 'Update Tokenscope to open it.',
    })
  }

  /** A file whose name is no session id: nothing can open it, so it is moved aside and named. */
  async function setAsideName(name: string): Promise<void> {
    await fs.mkdir(corrupt, { recursive: true })
    const moved = join(corrupt, `${Date.now()}-${name.replace(/[^\w.-]/g, '_')}`)
    await fs.rename(join(directory, name), moved).catch(() => undefined)
    remember({
      file: name,
      kind: 'corrupt',
      message: `A file in the sessions folder is not named like a session (${name.slice(0, 80)}). It was moved to ${moved}.`,
    })
  }

  async function setAside(id: string, reason: string): Promise<AppFailure> {
    await fs.mkdir(corrupt, { recursive: true })
    const name = `${Date.now()}-${id}.json`
    await fs.rename(snapshotFile(id), join(corrupt, name)).catch(() => undefined)
    await fs
      .rename(journalFile(id), join(corrupt, `${Date.now()}-${id}.journal`))
      .catch(() => undefined)
    const message = `A saved session could not be read (${reason}). It was moved to ${join(corrupt, name)}.`
    remember({ file: name, kind: 'corrupt', message })
    return new AppFailure({
      code: 'invalid-request',
      message,
      hint: 'Your other sessions are not affected.',
    })
  }

  /** Reads session `id` from its snapshot and journal into `entry`. */
  async function load(entry: Entry): Promise<void> {
    const { id } = entry
    const file = snapshotFile(id)
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
        throw await setAside(id, 'it is not valid JSON')
      }
    }
    if (first === null || typeof first !== 'object' || Array.isArray(first))
      throw await setAside(id, 'it holds no session')
    const version = typeof first.schemaVersion === 'number' ? first.schemaVersion : 0
    const newer = newerThanThis(first)
    if (newer !== null) throw newerVersion(id, newer)
    let raw: Record<string, unknown> = first
    let seq = 0
    const snapshot = version === sessionFileVersion && 'seq' in first
    if (snapshot) {
      try {
        const snapshot = parseSnapshot(text.split('\n'))
        raw = snapshot.document as Record<string, unknown>
        seq = snapshot.header.seq
      } catch (error) {
        throw await setAside(id, `its snapshot is damaged: ${toAppError(error).message}`)
      }
    }
    const docVersion = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0
    if (docVersion > sessionSchemaVersion) throw newerVersion(id, docVersion)
    for (let v = docVersion; v < sessionSchemaVersion; v++) {
      const migrate = migrations[v]
      if (!migrate) throw await setAside(id, `no migration from format ${v}`)
      raw = migrate(raw)
    }
    const parsed = sessionDocumentSchema.safeParse(raw)
    if (!parsed.success) throw await setAside(id, describeIssues(parsed.error))
    // Opened by its file name, saved under its id: the two must agree or it could not be opened.
    if (parsed.data.id !== id)
      throw await setAside(id, `it names session "${parsed.data.id}", not "${id}" as its file does`)
    let doc = storedDocument(parsed.data)

    // The journal: every intent after the snapshot. A line cut short by a crash is dropped.
    const journal = await fs.readFile(journalFile(id), 'utf8').catch(() => '')
    const complete = journal.lastIndexOf('\n') + 1
    if (complete < journal.length) {
      await fs.truncate(journalFile(id), Buffer.byteLength(journal.slice(0, complete)))
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
        log(`session ${id}: skipped a journal line (${toAppError(error).message})`)
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

  function trackRun(open: Map<string, RunTarget>, intent: SessionIntent) {
    if (intent.type === 'runStarted') open.set(targetKey(intent.target), intent.target)
    if (intent.type === 'runEnded') open.delete(targetKey(intent.target))
  }

  async function loaded(entry: Entry): Promise<StoredDocument> {
    if (!entry.doc) await load(entry)
    return entry.doc!
  }

  /** Applies intents (all or none) and queues them for the journal. */
  function pend(entry: Entry, intents: SessionIntent[], at: string) {
    const batches: { columns: RunColumns; from: number; to: number }[] = []
    entry.doc = applyStoredIntents(entry.doc!, intents, at, (columns, from, to) =>
      batches.push({ columns, from, to }),
    )
    let batch = 0
    for (const intent of intents) {
      entry.seq++
      if (intent.type === 'tokensAdded') {
        const { columns, from, to } = batches[batch++]!
        entry.pending.line.push({
          s: entry.seq,
          at,
          batch: { target: intent.target, columns, from, to, now: intent.now },
        })
        entry.pendingTokens += to - from
      } else entry.pending.line.push({ s: entry.seq, at, intent })
      trackRun(entry.openRuns, intent)
    }
    if (entry.snapshotFormat !== sessionFileVersion) entry.compactWanted = true
  }

  /** Resolves once what is pending now is in the journal. */
  function written(entry: Entry, delayMs: number): Promise<void> {
    const done = new Promise<void>((resolve, reject) =>
      entry.pending.waiters.push({ resolve, reject }),
    )
    scheduleAppend(entry, delayMs)
    return done
  }

  function scheduleAppend(entry: Entry, delayMs: number) {
    if (delayMs === 0 || closed) {
      if (entry.timer) clearTimeout(entry.timer)
      entry.timer = null
      void append(entry)
      return
    }
    entry.timer ??= setTimeout(() => {
      entry.timer = null
      void append(entry)
    }, delayMs)
  }

  /** Appends what is pending to the journal, after any append still under way. */
  function append(entry: Entry): Promise<void> {
    const previous = entry.appending ?? Promise.resolve()
    const current = previous.then(() => appendNow(entry))
    entry.appending = current
    void current.then(() => {
      if (entry.appending === current) entry.appending = null
      maybeCompact(entry)
      trimCache()
    })
    return current
  }

  async function appendNow(entry: Entry): Promise<void> {
    const { line: lines, waiters } = entry.pending
    entry.pending = { line: [], waiters: [] }
    entry.pendingTokens = 0
    if (lines.length === 0) {
      waiters.forEach((w) => w.resolve())
      return
    }
    try {
      await checkNotNewer(entry)
      const text = await journalText(lines)
      await io.appendFile(
        journalFile(entry.id),
        entry.tornJournal ? Buffer.concat([Buffer.from('\n'), text]) : text,
      )
      entry.tornJournal = false
      entry.journalBytes += text.length
      waiters.forEach((w) => w.resolve())
    } catch (error) {
      // Kept for the next append; a line may have been cut short, so that one starts afresh.
      entry.tornJournal = true
      entry.pending.line.unshift(...lines)
      entry.pendingTokens = countTokens(entry.pending.line)
      const failure = saveFailure(error)
      waiters.forEach((w) => w.reject(failure))
      log(`session ${entry.id}: ${failure.appError.message}`)
      if (!closed) scheduleAppend(entry, Math.max(1000, flushMs))
    }
  }

  /**
   * Journal lines; consecutive token batches for one target become one line of at most
   * `lineTokens` tokens. A backlog is encoded a slice at a time, never in one long task.
   */
  async function journalText(lines: Pending['line']): Promise<Buffer> {
    const out = new TextSink()
    const breathe = breather(pause)
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      let { s, at } = line
      if ('batch' in line) {
        const { target, columns, from, now } = line.batch
        let { to } = line.batch
        for (;;) {
          const next = lines[i + 1]
          if (!next || !('batch' in next)) break
          const b = next.batch
          if (b.columns !== columns || b.from !== to || b.now !== now) break
          if (b.to - from > lineTokens) break
          to = b.to
          i++
          ;({ s, at } = next)
        }
        // Written straight from the columns, as `JSON.stringify` would write the JournalLine.
        const head = JSON.stringify({ s, at, i: { type: 'tokensAdded', target, now } })
        out.push(`${head.slice(0, -2)},"encoded":`)
        await writeEncodedTokens(columns, from, to, [], out, breathe)
        out.push('}}}\n')
      } else {
        const journalLine: JournalLine = { s, at, i: encodeIntent(line.intent) }
        out.push(JSON.stringify(journalLine), '\n')
      }
      await breathe()
    }
    const buffers = out.finish()
    return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers)
  }

  function saveFailure(error: unknown): AppFailure {
    if (error instanceof AppFailure) return error
    return new AppFailure({
      code: 'internal',
      message: `The session could not be saved: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'The previous save is intact. Check free disk space and permissions.',
    })
  }

  /** Refuses to write over a snapshot that a newer Tokenscope wrote since we read it. */
  async function checkNotNewer(entry: Entry) {
    const stamp = await fs.stat(snapshotFile(entry.id)).catch(() => null)
    if (!stamp) return
    const known = entry.snapshotStamp
    if (known && known.mtimeMs === stamp.mtimeMs && known.size === stamp.size) return
    const first = await firstLine(snapshotFile(entry.id))
    if (newerThanThis(parsedLine(first)) !== null) {
      throw new AppFailure({
        code: 'invalid-request',
        message: 'This session was saved by a newer Tokenscope; saving over it would lose data.',
        hint: 'Update Tokenscope, or save the conversation as a new session.',
      })
    }
    entry.snapshotStamp = { mtimeMs: stamp.mtimeMs, size: stamp.size }
  }

  function maybeCompact(entry: Entry) {
    if (closed || entry.compactQueued || !entry.doc || entry.openRuns.size > 0) return
    const grown =
      entry.journalBytes > 0 &&
      entry.journalBytes >= Math.max(compactBytes, entry.snapshotBytes * compactRatio)
    if (!entry.compactWanted && !grown) return
    if (entry.journalBytes === 0 && entry.pending.line.length === 0 && !entry.compactWanted) return
    entry.compactQueued = true
    void enqueue(entry, async () => {
      entry.compactQueued = false
      // A run may have started meanwhile: then it waits for the run to end.
      if (entry.openRuns.size > 0 || !entry.doc) return
      await writeSnapshot(entry)
    }).catch((error: unknown) => log(`session ${entry.id}: ${toAppError(error).message}`))
  }

  /**
   * Rewrites the snapshot with everything applied and empties the journal. Runs in the session's
   * chain, so the document does not change while it is written; the writing gives the event loop
   * back every few milliseconds.
   */
  async function writeSnapshot(entry: Entry): Promise<void> {
    await entry.appending
    const { line: lines, waiters } = entry.pending
    entry.pending = { line: [], waiters: [] }
    entry.pendingTokens = 0
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    const file = snapshotFile(entry.id)
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await checkNotNewer(entry)
      const buffers = await snapshotText(entry.doc!, entry.seq, pause)
      await fs.mkdir(directory, { recursive: true })
      await io.writeFile(temporary, buffers, { flush: true })
      await io.rename(temporary, file)
    } catch (error) {
      await fs.rm(temporary, { force: true })
      entry.pending.line.unshift(...lines)
      entry.pending.waiters.unshift(...waiters)
      entry.pendingTokens = countTokens(entry.pending.line)
      if (lines.length > 0) scheduleAppend(entry, 0)
      throw saveFailure(error)
    }
    const stamp = await fs.stat(file).catch(() => null)
    entry.snapshotStamp = stamp && { mtimeMs: stamp.mtimeMs, size: stamp.size }
    entry.snapshotBytes = stamp?.size ?? 0
    entry.snapshotFormat = sessionFileVersion
    entry.compactWanted = false
    // Lines up to `seq` are in the snapshot now; a crash before this leaves them to be skipped.
    await fs.rm(journalFile(entry.id), { force: true })
    entry.journalBytes = 0
    entry.tornJournal = false
    waiters.forEach((w) => w.resolve())
  }

  function summaryOf(doc: Pick<SessionDocument, 'id' | 'title' | 'kind' | 'updatedAt'>) {
    const { id, title, kind, updatedAt } = doc
    return { id, title, kind, updatedAt }
  }

  async function summaryFromFiles(id: string): Promise<SessionSummary> {
    const stamps = await stampsOf(id)
    const known = summaries.get(id)
    if (known && known.stamps === stamps) return known.summary
    const journalSize = (JSON.parse(stamps) as (number | null)[])[3] ?? 0
    if (journalSize === 0) {
      const header = parseHeader(await firstLine(snapshotFile(id)))
      if (header && header.id === id) {
        const summary = { id, title: header.title, kind: header.kind, updatedAt: header.updatedAt }
        summaries.set(id, { summary, stamps })
        return summary
      }
    }
    const entry = entryFor(id)
    const doc = await enqueue(entry, () => loaded(entry))
    return summaryOf(doc)
  }

  const pause = () => new Promise<void>((resolve) => setImmediate(resolve))

  return {
    async listSessions() {
      await fs.mkdir(directory, { recursive: true })
      const names = await fs.readdir(directory)
      if (!sweptLeftovers) {
        sweptLeftovers = true
        await removeLeftovers(directory, names, log)
      }
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        if (!idPattern.test(name.slice(0, -'.json'.length))) await setAsideName(name)
      }
      const ids = names
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -'.json'.length))
        .filter((id) => idPattern.test(id))
      const list: SessionSummary[] = []
      for (const id of ids) {
        const doc = entries.get(id)?.doc
        const summary = doc ? summaryOf(doc) : await summaryFromFiles(id).catch(() => null)
        if (summary) list.push(summary)
      }
      return list.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    },

    async loadSession({ id }) {
      const entry = entryFor(id)
      // The UI's form: every token an object again (made afresh, a slice at a time, never kept).
      return enqueue(entry, async () => expandDocument(await loaded(entry), breather(pause)))
    },

    async loadSessionOutline({ id }) {
      const entry = entryFor(id)
      return enqueue(entry, async () => ({
        document: outlineDocument(await loaded(entry)),
        pageTokens: defaultPageTokens,
      }))
    },

    async loadSessionPage(input) {
      const { id, target, from, to } = parseSessionPageRequest(input)
      const entry = entryFor(id)
      return enqueue(entry, async () => {
        const run = runAt(await loaded(entry), target)
        if (!run || from >= run.length)
          throw new AppFailure({
            code: 'invalid-request',
            message: `Session ${id} has no tokens from ${from} in ${'nodeId' in target ? `node ${target.nodeId}` : `column ${target.column}`}.`,
            hint: 'Open the session again: it changed since it was opened.',
          })
        return pageOf(run, from, to)
      })
    },

    async updateSession(input) {
      // Checked and enqueued before anything is awaited: intents are applied in arrival order.
      const { id, intents } = parseUpdateSessionRequest(input)
      const entry = entryFor(id)
      const [first, ...rest] = intents
      if (first?.type === 'created') {
        return enqueue(entry, async () => {
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
            await writeSnapshot(entry)
          } catch (error) {
            entry.doc = null
            throw error
          }
          return summaryOf(doc)
        })
      }
      const applied = await enqueue(entry, async () => {
        await loaded(entry)
        pend(entry, intents, clock())
        return { summary: summaryOf(entry.doc!), saved: written(entry, 0) }
      })
      await applied.saved
      return applied.summary
    },

    async deleteSession({ id }) {
      const entry = entryFor(id)
      await enqueue(entry, async () => {
        await append(entry)
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
      const entry = entryFor(id)
      await enqueue(entry, async () => {
        await fs.rename(join(trash, `${checkId(id)}.json`), snapshotFile(id))
        await fs.rename(join(trash, `${id}.journal`), journalFile(id)).catch(() => undefined)
        entry.doc = null
      })
    },

    async storageProblems() {
      return [...problems]
    },

    async record(id, intents) {
      const entry = entryFor(id)
      return enqueue(entry, async () => {
        await loaded(entry)
        pend(entry, intents, clock())
        const ended = intents.some((i) => i.type === 'runEnded')
        // A backlog (tokens coming faster than the timer) is written in bounded batches.
        scheduleAppend(entry, ended || entry.pendingTokens >= lineTokens ? 0 : flushMs)
      })
    },

    async flush() {
      await Promise.all([...entries.values()].map((e) => e.chain))
      await Promise.all([...entries.values()].map((e) => append(e)))
    },

    async close() {
      closed = true
      await this.flush()
      for (const entry of entries.values()) if (entry.timer) clearTimeout(entry.timer)
    },
  }
}

/** Temporary files older than this were left by a save that never finished. */
const leftoverAgeMs = 60_000

/** Removes the `.tmp` files that interrupted saves left behind (never a save in progress). */
async function removeLeftovers(directory: string, names: string[], log: (line: string) => void) {
  const now = Date.now()
  for (const name of names.filter((n) => n.endsWith('.tmp'))) {
    const file = join(directory, name)
    const stamp = await fs.stat(file).catch(() => null)
    if (!stamp?.isFile() || now - stamp.mtimeMs < leftoverAgeMs) continue
    await fs.rm(file, { force: true }).catch(() => undefined)
    log(`removed ${name}, left by a save that did not finish`)
  }
}

/** The first line of a file (up to 64 KB of it), or '' if it cannot be read. */
async function firstLine(file: string): Promise<string> {
  const handle = await fs.open(file, 'r').catch(() => null)
  if (!handle) return ''
  try {
    const buffer = Buffer.alloc(64 * 1024)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    const text = buffer.subarray(0, bytesRead).toString('utf8')
    const end = text.indexOf('\n')
    return end < 0 ? text : text.slice(0, end)
  } finally {
    await handle.close()
  }
}

function parsedLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * The format of a file this version cannot read, or null. A snapshot starts with its header
 * (which has a sequence number) and the file's format; a file holding a whole document (what
 * format 1 wrote, or an exported session put here) starts with the document and its format.
 */
function newerThanThis(first: Record<string, unknown>): number | null {
  const version = first.schemaVersion
  if (typeof version !== 'number') return null
  const newest = 'seq' in first ? sessionFileVersion : sessionSchemaVersion
  return version > newest ? version : null
}

function parseHeader(line: string) {
  try {
    const header = JSON.parse(line) as Record<string, unknown>
    if (
      header.schemaVersion === sessionFileVersion &&
      typeof header.id === 'string' &&
      typeof header.title === 'string' &&
      typeof header.updatedAt === 'string' &&
      (header.kind === 'chat' || header.kind === 'completion' || header.kind === 'compare')
    )
      return header as {
        id: string
        title: string
        kind: SessionSummary['kind']
        updatedAt: string
      }
  } catch {
    // Not a header: the caller reads the whole file.
  }
  return null
}

function checkId(id: string): string {
  if (typeof id !== 'string' || !idPattern.test(id))
    throw new AppFailure({
      code: 'invalid-request',
      message: `"${String(id)}" is not a session id.`,
    })
  return id
}
