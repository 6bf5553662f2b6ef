import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { decodeInline, type SessionDecoder } from './session-codec'
import { createUploadAssembler } from './session-uploads'
import { AppFailure } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import {
  sessionDocumentSchema,
  sessionSchemaVersion,
  sessionUpload,
  type SessionDocument,
  type SessionService,
  type SessionSummary,
  type StorageProblem,
} from '../../shared/sessions'

/** Upgrades a document from version `from` to `from + 1`. */
export type Migration = (document: Record<string, unknown>) => Record<string, unknown>

export interface SessionStoreOptions {
  directory: string
  /** Keyed by the version they upgrade from. */
  migrations?: Record<number, Migration>
  /** The file-system calls that write; replaceable so tests can fail them midway. */
  io?: Pick<typeof fs, 'writeFile' | 'rename'>
  /** Bounds on unfinished `saveSessionText` uploads; smaller in tests. */
  upload?: Partial<typeof sessionUpload>
  /** How texts from `saveSessionText` are parsed and validated; on this thread by default. */
  decode?: SessionDecoder
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/

type FileStamp = Pick<Awaited<ReturnType<typeof fs.stat>>, 'mtimeMs' | 'size'>

/**
 * Sessions as one JSON file each. Writes go to a temporary file that is then renamed over the
 * old one, so a crash mid-write leaves the previous version. A file that cannot be read is moved
 * to `corrupt/` and reported, never silently emptied; a file from a newer Tokenscope is left
 * untouched and refused.
 */
export function createSessionStore(options: SessionStoreOptions): SessionService {
  const { directory, migrations = {} } = options
  const io = options.io ?? fs
  const decode = options.decode ?? decodeInline
  const trash = join(directory, 'trash')
  const corrupt = join(directory, 'corrupt')
  const problems: StorageProblem[] = []
  const fileOf = (id: string) => join(directory, `${checkId(id)}.json`)
  const uploads = createUploadAssembler({ ...sessionUpload, ...options.upload })
  /** The write in progress for each file: a save waits for the one before it. */
  const writes = new Map<string, Promise<void>>()
  /** Files as this store last wrote or read them: unchanged since, they are not from a newer version. */
  const knownNotNewer = new Map<string, FileStamp>()

  /** Whether `file` was written by a newer Tokenscope; read only when it changed since we saw it. */
  async function isNewer(file: string): Promise<boolean> {
    const stamp = await fs.stat(file).catch(() => null)
    if (!stamp) return false
    const own = knownNotNewer.get(file)
    if (own && own.mtimeMs === stamp.mtimeMs && own.size === stamp.size) return false
    const existing = await fs.readFile(file, 'utf8').catch(() => null)
    const version = existing ? versionOf(existing) : null
    return version !== null && version > sessionSchemaVersion
  }

  async function read(id: string): Promise<SessionDocument> {
    const file = fileOf(id)
    const text = await fs.readFile(file, 'utf8').catch(() => {
      throw new AppFailure({ code: 'invalid-request', message: `There is no session ${id}.` })
    })
    let raw: Record<string, unknown>
    try {
      raw = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw await setAside(file, 'it is not valid JSON')
    }
    const version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0
    if (version > sessionSchemaVersion) {
      const message = `${id}.json was saved by a newer Tokenscope (format ${version}); this version reads up to ${sessionSchemaVersion}. It was left untouched.`
      remember({ file: `${id}.json`, kind: 'newer-version', message })
      throw new AppFailure({
        code: 'invalid-request',
        message,
        hint: 'Update Tokenscope to open it.',
      })
    }
    let migrated = raw
    for (let v = version; v < sessionSchemaVersion; v++) {
      const migrate = migrations[v]
      if (!migrate) throw await setAside(file, `no migration from format ${v}`)
      migrated = migrate(migrated)
    }
    const parsed = sessionDocumentSchema.safeParse(migrated)
    if (!parsed.success) throw await setAside(file, describeIssues(parsed.error))
    // Its version is known now: saving over it need not read it again.
    const stamp = await fs.stat(file).catch(() => null)
    if (stamp) knownNotNewer.set(file, stamp)
    return parsed.data
  }

  async function setAside(file: string, reason: string): Promise<AppFailure> {
    await fs.mkdir(corrupt, { recursive: true })
    const name = `${Date.now()}-${file.split(/[/\\]/).pop() ?? 'session.json'}`
    await fs.rename(file, join(corrupt, name)).catch(() => undefined)
    const message = `A saved session could not be read (${reason}). It was moved to ${join(corrupt, name)}.`
    remember({ file: name, kind: 'corrupt', message })
    return new AppFailure({
      code: 'invalid-request',
      message,
      hint: 'Your other sessions are not affected.',
    })
  }

  function remember(problem: StorageProblem) {
    if (!problems.some((p) => p.message === problem.message)) problems.push(problem)
  }

  async function writeAtomically(file: string, text: string) {
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
    try {
      await io.writeFile(temporary, text, { encoding: 'utf8', flush: true })
      await io.rename(temporary, file)
    } catch (error) {
      await fs.rm(temporary, { force: true })
      throw new AppFailure({
        code: 'internal',
        message: `The session could not be saved: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'The previous save is intact. Check free disk space and permissions.',
      })
    }
  }

  /**
   * Writes `json` as session `id`'s file. Each file's writes run one after another, in the order
   * they were asked for: a save never overtakes an earlier one, even when several arrive together
   * (a page saving everything as it closes).
   */
  function enqueueWrite(id: string, json: string): Promise<void> {
    const file = fileOf(id)
    const write = async () => {
      if (await isNewer(file)) {
        throw new AppFailure({
          code: 'invalid-request',
          message: 'This session was saved by a newer Tokenscope; saving over it would lose data.',
          hint: 'Update Tokenscope, or save the conversation as a new session.',
        })
      }
      await fs.mkdir(directory, { recursive: true })
      await writeAtomically(file, json)
      const written = await fs.stat(file).catch(() => null)
      if (written) knownNotNewer.set(file, written)
    }
    const done = (writes.get(file) ?? Promise.resolve()).then(write)
    const settled = done.catch(() => undefined)
    writes.set(file, settled)
    void settled.then(() => {
      if (writes.get(file) === settled) writes.delete(file)
    })
    return done
  }

  /** Saves a document sent as text; the decoder keeps texts in the order they came. */
  async function saveText(text: string): Promise<void> {
    const decoded = await decode(text)
    if (!decoded.ok) throw new AppFailure({ code: 'invalid-request', message: decoded.message })
    await enqueueWrite(decoded.id, decoded.json)
  }

  return {
    async listSessions() {
      await fs.mkdir(directory, { recursive: true })
      const names = (await fs.readdir(directory)).filter((n) => n.endsWith('.json'))
      const summaries: SessionSummary[] = []
      for (const name of names) {
        const document = await read(name.slice(0, -'.json'.length)).catch(() => null)
        if (document) {
          const { id, title, kind, updatedAt } = document
          summaries.push({ id, title, kind, updatedAt })
        }
      }
      return summaries.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    },
    loadSession: ({ id }) => read(id),
    // One way in for both: the decoder keeps every save in the order it was asked for.
    saveSession: (input) => saveText(JSON.stringify(input)),
    async saveSessionText(input) {
      const text = uploads.receive(input)
      if (text !== null) await saveText(text)
    },
    async deleteSession({ id }) {
      await fs.mkdir(trash, { recursive: true })
      await fs.rename(fileOf(id), join(trash, `${checkId(id)}.json`))
    },
    async restoreSession({ id }) {
      await fs.rename(join(trash, `${checkId(id)}.json`), fileOf(id))
    },
    async storageProblems() {
      return [...problems]
    },
  }
}

function versionOf(text: string): number | null {
  try {
    const value = (JSON.parse(text) as { schemaVersion?: unknown }).schemaVersion
    return typeof value === 'number' ? value : null
  } catch {
    return null
  }
}

function checkId(id: string): string {
  if (!idPattern.test(id))
    throw new AppFailure({ code: 'invalid-request', message: `"${id}" is not a session id.` })
  return id
}
