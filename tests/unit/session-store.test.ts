import * as fs from 'node:fs/promises'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument } from '../../src/shared/sessions'

const newDirectory = () => mkdtempSync(join(tmpdir(), 'tokenscope-sessions-'))

function session(
  id: string,
  title: string,
  updatedAt = '2026-11-22T10:00:00.000Z',
): SessionDocument {
  return {
    schemaVersion: 1,
    id,
    title,
    kind: 'chat',
    createdAt: '2026-11-22T09:00:00.000Z',
    updatedAt,
    system: 'Be brief.',
    model: { name: 'Tokenscope Demo', fileName: 'tokenscope-demo.gguf', sha256: null },
    settings: { sampling: defaultSampling, maxTokens: 128, topN: 10 },
    nodes: [
      {
        id: 'n1',
        parentId: null,
        role: 'user',
        text: 'What is a token?',
        run: null,
        createdAt: updatedAt,
      },
    ],
    currentLeafId: 'n1',
  }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => toAppError(e),
  )

describe('session store', () => {
  it('saves, lists newest first, and loads exactly what was saved', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    await store.saveSession(session('a', 'Older', '2026-11-22T08:00:00.000Z'))
    await store.saveSession(session('b', 'Newer'))
    expect((await store.listSessions()).map((s) => s.title)).toEqual(['Newer', 'Older'])
    expect(await store.loadSession({ id: 'a' })).toEqual(
      session('a', 'Older', '2026-11-22T08:00:00.000Z'),
    )
  })

  it('keeps the previous version when the rename fails, and leaves no temporary file', async () => {
    const directory = newDirectory()
    const good = createSessionStore({ directory })
    await good.saveSession(session('s', 'First'))
    const failing = createSessionStore({
      directory,
      io: { writeFile: fs.writeFile, rename: () => Promise.reject(new Error('EIO: simulated')) },
    })
    const error = await failure(failing.saveSession(session('s', 'Second')))
    expect(error?.message).toMatch(/could not be saved: EIO/)
    expect(error?.hint).toMatch(/previous save is intact/)
    expect((await good.loadSession({ id: 's' })).title).toBe('First')
    expect(readdirSync(directory).filter((n) => n.includes('.tmp'))).toEqual([])
  })

  it('keeps the previous version when the writer dies halfway through the temporary file', async () => {
    const directory = newDirectory()
    const good = createSessionStore({ directory })
    await good.saveSession(session('s', 'First'))
    const dying = createSessionStore({
      directory,
      io: {
        rename: fs.rename,
        writeFile: async (path, data) => {
          await fs.writeFile(path, String(data).slice(0, 20))
          throw new Error('ENOSPC: simulated disk full')
        },
      },
    })
    expect((await failure(dying.saveSession(session('s', 'Second'))))?.message).toMatch(/ENOSPC/)
    expect((await good.loadSession({ id: 's' })).title).toBe('First')
  })

  it('moves a corrupt file aside with a message instead of emptying it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.saveSession(session('ok', 'Fine'))
    writeFileSync(join(directory, 'broken.json'), '{"schemaVersion": 1, "id": "broken", "tit')
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['ok'])
    const problems = await store.storageProblems()
    expect(problems).toHaveLength(1)
    expect(problems[0]?.kind).toBe('corrupt')
    expect(problems[0]?.message).toMatch(/not valid JSON.*moved to/)
    const aside = readdirSync(join(directory, 'corrupt'))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(directory, 'corrupt', aside[0] ?? ''), 'utf8')).toContain(
      '"id": "broken"',
    )
  })

  it('refuses a file from a newer version and never overwrites it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    const future = JSON.stringify({ ...session('f', 'From the future'), schemaVersion: 99 })
    writeFileSync(join(directory, 'f.json'), future)
    expect((await failure(store.loadSession({ id: 'f' })))?.message).toMatch(
      /newer Tokenscope \(format 99\)/,
    )
    expect((await failure(store.saveSession(session('f', 'Overwrite'))))?.message).toMatch(
      /would lose data/,
    )
    expect(readFileSync(join(directory, 'f.json'), 'utf8')).toBe(future)
    expect((await store.storageProblems())[0]?.kind).toBe('newer-version')
  })

  it('still refuses when a newer version rewrites a file this store saved', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.saveSession(session('g', 'Mine first'))
    await store.saveSession(session('g', 'Mine again'))
    const future = JSON.stringify({ ...session('g', 'Then the future'), schemaVersion: 99 })
    writeFileSync(join(directory, 'g.json'), future)
    expect((await failure(store.saveSession(session('g', 'Overwrite'))))?.message).toMatch(
      /would lose data/,
    )
    expect(readFileSync(join(directory, 'g.json'), 'utf8')).toBe(future)
  })

  it('migrates a file written in the previous format', async () => {
    // Format 0 had no version field and called the transcript `messages`.
    const directory = newDirectory()
    const { schemaVersion: _drop, nodes, ...rest } = session('old', 'Old format')
    writeFileSync(join(directory, 'old.json'), JSON.stringify({ ...rest, messages: nodes }))
    const store = createSessionStore({
      directory,
      migrations: {
        0: ({ messages, ...document }) => ({ ...document, nodes: messages, schemaVersion: 1 }),
      },
    })
    expect(await store.loadSession({ id: 'old' })).toEqual(session('old', 'Old format'))
  })

  it('deletes into the trash and restores from it', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    await store.saveSession(session('d', 'Doomed'))
    await store.deleteSession({ id: 'd' })
    expect(await store.listSessions()).toEqual([])
    await store.restoreSession({ id: 'd' })
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['d'])
  })

  it('rejects ids that could escape the folder', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    expect((await failure(store.loadSession({ id: '../etc/passwd' })))?.message).toMatch(
      /not a session id/,
    )
  })

  it('keeps a comparison as a session of its own, and still loads files without one', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    // A file written before comparisons were saved: no `compare`, the old kinds.
    writeFileSync(join(directory, 'plain.json'), JSON.stringify(session('plain', 'Plain')))
    const comparison: SessionDocument = {
      ...session('cmp', 'Side by side'),
      kind: 'compare',
      nodes: [],
      currentLeafId: null,
      compare: {
        input: 'completion',
        prompt: 'Once upon',
        system: '',
        sameSeed: true,
        columns: [
          {
            key: 'c1',
            settings: { sampling: defaultSampling, maxTokens: 32 },
            preset: 'greedy',
            run: {
              prompt: [{ id: 1, text: 'Once' }],
              tokens: [],
              stopReason: 'cancelled',
              sampling: defaultSampling,
              tokensPerSecond: null,
              timeToFirstTokenMs: null,
            },
          },
          {
            key: 'c2',
            settings: { sampling: { ...defaultSampling, temperature: 1.5 }, maxTokens: 32 },
            preset: null,
            run: null,
          },
        ],
      },
    }
    await store.saveSession(comparison)
    expect(await store.loadSession({ id: 'cmp' })).toEqual(comparison)
    expect(await store.loadSession({ id: 'plain' })).toEqual(session('plain', 'Plain'))
    expect((await store.listSessions()).map((s) => [s.id, s.kind]).sort()).toEqual([
      ['cmp', 'compare'],
      ['plain', 'chat'],
    ])
    // A comparison with more columns than the view can hold is refused.
    const tooWide = {
      ...comparison,
      id: 'wide',
      compare: { ...comparison.compare!, columns: Array(5).fill(comparison.compare!.columns[1]) },
    }
    expect((await failure(store.saveSession(tooWide as SessionDocument)))?.message).toBeTruthy()
  })
})
