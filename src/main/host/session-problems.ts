import * as fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppFailure } from '../../shared/errors'
import { firstLine, newerThanThis, parsedLine } from './session-headers'
import type { StorageProblem } from '../../shared/sessions'
import type { Entry, StoreState } from './session-store-state'

export function remember(state: StoreState, problem: StorageProblem) {
  if (!state.problems.some((p) => p.message === problem.message)) state.problems.push(problem)
}

export function newerVersion(state: StoreState, id: string, version: number): AppFailure {
  const message = `${id}.json was saved by a newer Tokenscope (format ${version}). It was left untouched.`
  remember(state, { file: `${id}.json`, kind: 'newer-version', message })
  return new AppFailure({
    code: 'invalid-request',
    message,
    hint: 'Update Tokenscope to open it.',
  })
}

/** A file whose name is no session id: nothing can open it, so it is moved aside and named. */
export async function setAsideName(state: StoreState, name: string): Promise<void> {
  const { corrupt } = state
  await fs.mkdir(corrupt, { recursive: true })
  const moved = join(corrupt, `${Date.now()}-${name.replace(/[^\w.-]/g, '_')}`)
  await fs.rename(join(state.directory, name), moved).catch(() => undefined)
  remember(state, {
    file: name,
    kind: 'corrupt',
    message: `A file in the sessions folder is not named like a session (${name.slice(0, 80)}). It was moved to ${moved}.`,
  })
}

export async function setAside(state: StoreState, id: string, reason: string): Promise<AppFailure> {
  const { corrupt } = state
  await fs.mkdir(corrupt, { recursive: true })
  const name = `${Date.now()}-${id}.json`
  await fs.rename(state.snapshotFile(id), join(corrupt, name)).catch(() => undefined)
  await fs
    .rename(state.journalFile(id), join(corrupt, `${Date.now()}-${id}.journal`))
    .catch(() => undefined)
  const message = `A saved session could not be read (${reason}). It was moved to ${join(corrupt, name)}.`
  remember(state, { file: name, kind: 'corrupt', message })
  return new AppFailure({
    code: 'invalid-request',
    message,
    hint: 'Your other sessions are not affected.',
  })
}

/** Temporary files older than this were left by a save that never finished. */
const leftoverAgeMs = 60_000

/** Removes the `.tmp` files that interrupted saves left behind (never a save in progress). */
export async function removeLeftovers(
  directory: string,
  names: string[],
  log: (line: string) => void,
) {
  const now = Date.now()
  for (const name of names.filter((n) => n.endsWith('.tmp'))) {
    const file = join(directory, name)
    const stamp = await fs.stat(file).catch(() => null)
    if (!stamp?.isFile() || now - stamp.mtimeMs < leftoverAgeMs) continue
    await fs.rm(file, { force: true }).catch(() => undefined)
    log(`removed ${name}, left by a save that did not finish`)
  }
}

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

export function saveFailure(error: unknown): AppFailure {
  if (error instanceof AppFailure) return error
  return new AppFailure({
    code: 'internal',
    message: `The session could not be saved: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'The previous save is intact. Check free disk space and permissions.',
  })
}
