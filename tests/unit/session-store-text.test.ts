import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import * as fs from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import { toAppError } from '../../src/shared/errors'
import { cutIntoPieces } from '../../src/shared/session-json'
import { promptOnlySession } from '../helpers/session-fixture'
import type { SessionService } from '../../src/shared/sessions'

const newDirectory = () => mkdtempSync(join(tmpdir(), 'tokenscope-sessions-text-'))

const session = promptOnlySession

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => toAppError(e),
  )

/** Sends `text` as the UI does: pieces in order, the last one marked. */
async function upload(store: SessionService, uploadId: string, text: string, pieceChars: number) {
  const pieces = cutIntoPieces(text, pieceChars)
  let offset = 0
  for (const [i, piece] of pieces.entries()) {
    await store.saveSessionText({ uploadId, offset, text: piece, last: i === pieces.length - 1 })
    offset += piece.length
  }
}

describe('saving a session sent as JSON text', () => {
  it('writes what saveSession writes, from one piece or many', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    const doc = session('one', 'One piece', 'x'.repeat(5000))
    await store.saveSessionText({
      uploadId: 'upload-1',
      offset: 0,
      text: JSON.stringify(doc),
      last: true,
    })
    const fromOne = readFileSync(join(directory, 'one.json'), 'utf8')
    await upload(store, 'upload-2', JSON.stringify(doc), 700)
    expect(readFileSync(join(directory, 'one.json'), 'utf8')).toBe(fromOne)
    await store.saveSession(doc)
    expect(readFileSync(join(directory, 'one.json'), 'utf8')).toBe(fromOne)
    expect(await store.loadSession({ id: 'one' })).toEqual(doc)
  })

  it('validates like saveSession: a bad document leaves the previous file intact', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.saveSession(session('s', 'First'))
    const before = readFileSync(join(directory, 's.json'), 'utf8')

    const invalid = { ...session('s', 'Second'), kind: 'poem' }
    const error = await failure(upload(store, 'upload-bad', JSON.stringify(invalid), 100))
    expect(error?.code).toBe('invalid-request')
    expect(error?.message).toMatch(/Invalid session: .*kind/)

    const cut = JSON.stringify(session('s', 'Third')).slice(0, -3)
    expect((await failure(upload(store, 'upload-cut', cut, 100)))?.message).toMatch(/not JSON/)

    const tooLong = session('s', 'Fourth', 'x'.repeat(2_000_000))
    expect(
      (await failure(upload(store, 'upload-long', JSON.stringify(tooLong), 1 << 20)))?.message,
    ).toMatch(/Invalid session/)
    expect(readFileSync(join(directory, 's.json'), 'utf8')).toBe(before)
    expect(readdirSync(directory).filter((n) => n.includes('.tmp'))).toEqual([])
  })

  it('keeps the previous version when the write fails midway', async () => {
    const directory = newDirectory()
    await createSessionStore({ directory }).saveSession(session('s', 'First'))
    const failing = createSessionStore({
      directory,
      io: { writeFile: fs.writeFile, rename: () => Promise.reject(new Error('EIO: simulated')) },
    })
    const error = await failure(
      upload(failing, 'upload-eio', JSON.stringify(session('s', 'Second')), 100),
    )
    expect(error?.message).toMatch(/could not be saved: EIO/)
    expect((await failing.loadSession({ id: 's' })).title).toBe('First')
    expect(readdirSync(directory).filter((n) => n.includes('.tmp'))).toEqual([])
  })

  it('refuses bad pieces: ids, sizes, order, unknown uploads', async () => {
    const store = createSessionStore({
      directory: newDirectory(),
      upload: { pieceChars: 100, documentChars: 250 },
    })
    const piece = { uploadId: 'upload-ok', offset: 0, text: '{', last: false }
    const refused = async (input: unknown) =>
      (await failure(store.saveSessionText(input as typeof piece)))?.message ?? 'accepted'

    expect(await refused({ ...piece, uploadId: '../../x' })).toMatch(/upload id/)
    expect(await refused({ ...piece, offset: -1 })).toMatch(/Invalid session piece/)
    expect(await refused({ ...piece, text: 'x'.repeat(101) })).toMatch(/longer than 100/)
    expect(await refused(null)).toMatch(/Invalid session piece/)
    expect(await refused({ ...piece, uploadId: 'never-began', offset: 5 })).toMatch(
      /first part is missing/,
    )

    expect(await refused(piece)).toBe('accepted')
    expect(await refused({ ...piece, offset: 7, text: 'x' })).toMatch(/out of order/)
    // An upload that went wrong is gone: its next piece finds nothing.
    expect(await refused({ ...piece, offset: 1, text: 'x' })).toMatch(/first part is missing/)

    expect(await refused({ ...piece, uploadId: 'upload-big', text: 'x'.repeat(100) })).toBe(
      'accepted',
    )
    expect(
      await refused({ ...piece, uploadId: 'upload-big', offset: 100, text: 'x'.repeat(100) }),
    ).toBe('accepted')
    expect(
      await refused({ ...piece, uploadId: 'upload-big', offset: 200, text: 'x'.repeat(100) }),
    ).toMatch(/too large to save/)
  })

  it('frees an upload nobody finishes, and bounds what unfinished ones hold', async () => {
    vi.useFakeTimers()
    try {
      const store = createSessionStore({
        directory: newDirectory(),
        upload: { idleMs: 60_000, openChars: 150 },
      })
      const send = (uploadId: string, offset: number, chars: number) =>
        failure(
          store.saveSessionText({ uploadId, offset, text: 'x'.repeat(chars), last: false }),
        ).then((error) => error?.message ?? 'accepted')

      expect(await send('abandoned-1', 0, 100)).toBe('accepted')
      // Together they would hold more than allowed.
      expect(await send('abandoned-2', 0, 100)).toMatch(/too many large saves/)
      // A piece now and then keeps an upload alive...
      await vi.advanceTimersByTimeAsync(50_000)
      expect(await send('abandoned-1', 100, 10)).toBe('accepted')
      await vi.advanceTimersByTimeAsync(50_000)
      expect(await send('abandoned-1', 110, 10)).toBe('accepted')
      // ...and one that gets none for a minute is dropped, and its room given back.
      await vi.advanceTimersByTimeAsync(60_000)
      expect(await send('abandoned-1', 120, 10)).toMatch(/first part is missing/)
      expect(await send('abandoned-3', 0, 150)).toBe('accepted')
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes saves of one session in the order they were asked for', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    const versions = Array.from({ length: 12 }, (_, i) =>
      session('s', `v${i}`, 'y'.repeat(i * 5000)),
    )
    // All asked for at once, as a page does when it closes.
    await Promise.all(
      versions.map((doc, i) =>
        i % 2 === 0
          ? store.saveSession(doc)
          : store.saveSessionText({
              uploadId: `upload-${i}`,
              offset: 0,
              text: JSON.stringify(doc),
              last: true,
            }),
      ),
    )
    expect((await store.loadSession({ id: 's' })).title).toBe('v11')
  })
})
