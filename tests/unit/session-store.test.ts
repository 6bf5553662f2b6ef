import * as fs from 'node:fs/promises'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import { readEntry, tokenFromEntry } from '../../src/main/remote/logprob-tokens'
import { comparisonChangeOf, comparisonOf } from '../../src/shared/compare-tree'
import { replyText } from '../../src/shared/conversation'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionIntent } from '../../src/shared/session-intents'
import type { SessionDocument } from '../../src/shared/sessions'
import { comparisonSession, emptyChat, fakeToken } from '../helpers/session-fixture'

const newDirectory = () => mkdtempSync(join(tmpdir(), 'tokenscope-sessions-'))

function session(
  id: string,
  title: string,
  updatedAt = '2026-11-22T10:00:00.000Z',
): SessionDocument {
  return {
    schemaVersion: 3,
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

/** Waits (up to 5 s, for a busy machine) until `done()` holds: the store compacts on its own. */
async function until(done: () => boolean) {
  for (let waited = 0; !done() && waited < 5000; waited += 10)
    await new Promise((r) => setTimeout(r, 10))
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => toAppError(e),
  )

/** Folds session `id`'s journal into its snapshot, then opens it with a new store. */
async function compactedAndReopened(directory: string, id: string) {
  const compacting = createSessionStore({ directory, compactBytes: 0, compactRatio: 0 })
  await compacting.loadSession({ id })
  await compacting.flush()
  await until(() => !existsSync(join(directory, `${id}.journal`)))
  expect(existsSync(join(directory, `${id}.journal`))).toBe(false)
  return createSessionStore({ directory }).loadSession({ id })
}

const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`
const create = (document: SessionDocument): { id: string; intents: SessionIntent[] } => ({
  id: document.id,
  intents: [{ type: 'created', document }],
})
const rename = (id: string, title: string, minute = 30) => ({
  id,
  intents: [{ type: 'renamed', title, now: at(minute) } as SessionIntent],
})
const reply = { nodeId: 'r1' }
const sent: SessionIntent = { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) }
const started: SessionIntent = {
  type: 'runStarted',
  target: reply,
  prompt: [{ id: 1, text: '<|im_start|>' }],
  sampling: defaultSampling,
}

describe('session store', () => {
  it('creates, lists newest first, and loads exactly what was created', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    await store.updateSession(create(session('a', 'Older', '2026-11-22T08:00:00.000Z')))
    await store.updateSession(create(session('b', 'Newer')))
    expect((await store.listSessions()).map((s) => s.title)).toEqual(['Newer', 'Older'])
    expect(await store.loadSession({ id: 'a' })).toEqual(
      session('a', 'Older', '2026-11-22T08:00:00.000Z'),
    )
  })

  it('applies intents in order and resolves once they are in the journal', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(emptyChat('c')))
    const first = store.updateSession({ id: 'c', intents: [sent] })
    const second = store.updateSession(rename('c', 'Renamed', 2))
    const summary = await first
    expect(summary.title).toBe('Hi')
    expect((await second).title).toBe('Renamed')
    const lines = readFileSync(join(directory, 'c.journal'), 'utf8').trim().split('\n')
    expect(lines.map((l) => (JSON.parse(l) as { i: { type: string } }).i.type)).toEqual([
      'sent',
      'renamed',
    ])
    // A fresh store (the next launch) reads the same document from the snapshot and journal.
    const again = createSessionStore({ directory })
    expect(await again.loadSession({ id: 'c' })).toEqual(await store.loadSession({ id: 'c' }))
    expect((await again.listSessions())[0]).toMatchObject({ id: 'c', title: 'Renamed' })
  })

  it('refuses an invalid update with the field named, and a refused intent changes nothing', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    await store.updateSession(create(emptyChat('v')))
    const bad = await failure(
      store.updateSession({
        id: 'v',
        intents: [{ type: 'sent', userId: 'u 1', replyId: 'r', text: 'x', now: at(1) }],
      }),
    )
    expect(bad).toMatchObject({ code: 'invalid-request' })
    expect(bad?.message).toMatch(/intents\.0\.userId/)
    expect((await failure(store.updateSession({ id: 'v', intents: [] })))?.message).toMatch(
      /intents/,
    )
    await store.updateSession({ id: 'v', intents: [sent, started] })
    const before = structuredClone(await store.loadSession({ id: 'v' }))
    const refused = await failure(
      store.updateSession({
        id: 'v',
        intents: [
          { type: 'tokensAdded', target: reply, tokens: [fakeToken(0)] },
          { type: 'leafShown', nodeId: 'missing' },
        ],
      }),
    )
    expect(refused?.message).toMatch(/intents\.1 \(leafShown\): There is no node missing/)
    expect(await store.loadSession({ id: 'v' })).toEqual(before)
  })

  it('keeps which numbers a remote engine reported, in the journal and after compaction', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    const entry = (token: string, id?: number) =>
      readEntry({
        token,
        logprob: -0.5,
        ...(id !== undefined && { id }),
        top_logprobs: [
          { token: ' a', logprob: -1, ...(id !== undefined && { id: 7 }) },
          { token, logprob: -0.5, ...(id !== undefined && { id }) },
        ],
      })!
    const tokens = [
      tokenFromEntry(entry(' the'), 'model', 0),
      tokenFromEntry(entry(' cat', 9), 'model', 1),
      fakeToken(2),
    ]
    await store.updateSession(create(emptyChat('r')))
    await store.updateSession({
      id: 'r',
      intents: [sent, started, { type: 'tokensAdded', target: reply, tokens }],
    })
    const fromJournal = await createSessionStore({ directory }).loadSession({ id: 'r' })
    const reopened = await compactedAndReopened(directory, 'r')
    for (const document of [fromJournal, reopened]) {
      const saved = document.nodes.find((n) => n.id === 'r1')?.run?.tokens ?? []
      expect(saved.map((t) => t.reported)).toEqual(tokens.map((t) => t.reported))
      expect(saved[0]?.reported).toMatchObject({
        modelProb: true,
        samplingProb: false,
        tokenId: false,
      })
      expect(saved[1]?.reported).toMatchObject({ tokenId: true, alternatives: 2 })
      expect(saved[2]?.reported).toBeUndefined()
    }
  })

  it('keeps the previous snapshot when its rename fails, and leaves no temporary file', async () => {
    const directory = newDirectory()
    const good = createSessionStore({ directory })
    await good.updateSession(create(session('s', 'First')))
    const failingIo = {
      writeFile: fs.writeFile,
      rename: () => Promise.reject(new Error('EIO: simulated')),
    }
    const failing = createSessionStore({ directory, io: failingIo })
    const error = await failure(failing.updateSession(create(session('t', 'New'))))
    expect(error?.message).toMatch(/could not be saved: EIO/)
    expect(error?.hint).toMatch(/previous save is intact/)
    // A compaction that fails keeps the snapshot and the journal: nothing is lost.
    const logged: string[] = []
    const compacting = createSessionStore({
      directory,
      io: failingIo,
      compactBytes: 0,
      compactRatio: 0,
      log: (l) => logged.push(l),
    })
    await compacting.updateSession(rename('s', 'Second'))
    await compacting.flush()
    await until(() => /EIO/.test(logged.join('\n')))
    expect(logged.join('\n')).toMatch(/EIO/)
    // It tries again while the journal is long; closed, it has no compaction under way.
    await compacting.close()
    expect(readFileSync(join(directory, 's.json'), 'utf8')).toContain('"title":"First"')
    expect((await createSessionStore({ directory }).loadSession({ id: 's' })).title).toBe('Second')
    expect(readdirSync(directory).filter((n) => n.includes('.tmp'))).toEqual([])
  })

  it('keeps the previous snapshot when the writer dies halfway through the temporary file', async () => {
    const directory = newDirectory()
    const good = createSessionStore({ directory })
    await good.updateSession(create(session('s', 'First')))
    const before = readFileSync(join(directory, 's.json'), 'utf8')
    const logged: string[] = []
    const dying = createSessionStore({
      directory,
      compactBytes: 0,
      compactRatio: 0,
      log: (line) => logged.push(line),
      io: {
        rename: fs.rename,
        writeFile: async (path) => {
          await fs.writeFile(path, '{"schemaVersion":2,"se')
          throw new Error('ENOSPC: simulated disk full')
        },
      },
    })
    expect((await failure(dying.updateSession(create(session('x', 'X')))))?.message).toMatch(
      /ENOSPC/,
    )
    await dying.updateSession(rename('s', 'Second'))
    await dying.flush()
    // The compaction after the append is what dies here.
    await until(() => logged.some((line) => /^session s: .*ENOSPC/.test(line)))
    expect(logged.join('\n')).toMatch(/^session s: .*ENOSPC/m)
    expect(readFileSync(join(directory, 's.json'), 'utf8')).toBe(before)
    expect((await createSessionStore({ directory }).loadSession({ id: 's' })).title).toBe('Second')
  })

  it('reports a journal append that fails, and writes it with the next one', async () => {
    const directory = newDirectory()
    await createSessionStore({ directory }).updateSession(create(session('j', 'First')))
    let fail = true
    const store = createSessionStore({
      directory,
      io: {
        appendFile: async (path, data, options) => {
          if (fail) {
            await fs.appendFile(path, String(data).slice(0, 7))
            throw new Error('ENOSPC: simulated')
          }
          await fs.appendFile(path, data, options)
        },
      },
    })
    expect((await failure(store.updateSession(rename('j', 'Second'))))?.message).toMatch(
      /could not be saved: ENOSPC/,
    )
    fail = false
    await store.updateSession(rename('j', 'Third', 31))
    const reread = await createSessionStore({ directory }).loadSession({ id: 'j' })
    expect(reread.title).toBe('Third')
  })

  it('moves a corrupt file aside with a message instead of emptying it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(session('ok', 'Fine')))
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

  it('sets aside a file holding null, one whose id is not its name, and one named like no session', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(session('ok', 'Fine')))
    writeFileSync(join(directory, 'empty.json'), 'null')
    writeFileSync(join(directory, 'renamed.json'), JSON.stringify(session('other', 'Moved')))
    writeFileSync(join(directory, 'my chat.json'), JSON.stringify(session('x', 'Spaced')))
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['ok'])
    const messages = (await store.storageProblems()).map((p) => p.message).join('\n')
    expect(messages).toMatch(/holds no session/)
    expect(messages).toMatch(/names session "other", not "renamed"/)
    expect(messages).toMatch(/not named like a session \(my chat\.json\)/)
    expect(readdirSync(join(directory, 'corrupt'))).toHaveLength(3)
    expect(readdirSync(directory).filter((n) => n.endsWith('.json'))).toEqual(['ok.json'])
  })

  it('removes temporary files that interrupted saves left, but not a save still being written', async () => {
    const directory = newDirectory()
    writeFileSync(join(directory, 'a.json.0123456789ab.tmp'), '{"half')
    writeFileSync(join(directory, 'b.json.ba9876543210.tmp'), '{"being written')
    const old = new Date(Date.now() - 5 * 60_000)
    await fs.utimes(join(directory, 'a.json.0123456789ab.tmp'), old, old)
    const store = createSessionStore({ directory })
    await store.listSessions()
    expect(readdirSync(directory).filter((n) => n.endsWith('.tmp'))).toEqual([
      'b.json.ba9876543210.tmp',
    ])
  })

  it('moves a snapshot with a damaged run aside', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(emptyChat('d')))
    await store.updateSession({ id: 'd', intents: [sent, started] })
    await store.record('d', [{ type: 'tokensAdded', target: reply, tokens: [fakeToken(1)] }])
    await store.close()
    const compacted = createSessionStore({ directory, compactBytes: 0 })
    await compacted.loadSession({ id: 'd' })
    await compacted.flush()
    await until(() => readFileSync(join(directory, 'd.json'), 'utf8').split('\n').length > 3)
    const lines = readFileSync(join(directory, 'd.json'), 'utf8').split('\n')
    expect(lines.length).toBeGreaterThan(3)
    writeFileSync(join(directory, 'd.json'), [...lines.slice(0, 2), '{"vocab'].join('\n'))
    const fresh = createSessionStore({ directory })
    expect((await failure(fresh.loadSession({ id: 'd' })))?.message).toMatch(/moved to/)
    expect(existsSync(join(directory, 'd.json'))).toBe(false)
  })

  it('refuses a file from a newer version and never overwrites it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    const future = JSON.stringify({ ...session('f', 'From the future'), schemaVersion: 99 })
    writeFileSync(join(directory, 'f.json'), future)
    expect((await failure(store.loadSession({ id: 'f' })))?.message).toMatch(
      /newer Tokenscope \(format 99\)/,
    )
    expect((await failure(store.updateSession(rename('f', 'Overwrite'))))?.message).toMatch(
      /newer Tokenscope/,
    )
    expect((await failure(store.updateSession(create(session('f', 'Again')))))?.message).toMatch(
      /already exists/,
    )
    expect(readFileSync(join(directory, 'f.json'), 'utf8')).toBe(future)
    expect((await store.storageProblems())[0]?.kind).toBe('newer-version')
    expect(await store.listSessions()).toEqual([])
  })

  it('still refuses when a newer version rewrites a file this store saved', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(session('g', 'Mine first')))
    await store.updateSession(rename('g', 'Mine again'))
    const future = JSON.stringify({ ...session('g', 'Then the future'), schemaVersion: 99 })
    writeFileSync(join(directory, 'g.json'), future)
    expect((await failure(store.updateSession(rename('g', 'Overwrite', 40))))?.message).toMatch(
      /would lose data/,
    )
    expect(readFileSync(join(directory, 'g.json'), 'utf8')).toBe(future)
  })

  it('migrates a document written in an older document format', async () => {
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

  it('opens a file written by the previous store (format 1) and rewrites it as format 2 once changed', async () => {
    const directory = newDirectory()
    const old: SessionDocument = {
      ...session('v1', 'Saved before'),
      nodes: [
        ...session('v1', '').nodes,
        {
          id: 'n2',
          parentId: 'n1',
          role: 'assistant',
          text: 't100t101',
          createdAt: at(0),
          run: {
            prompt: [{ id: 5, text: 'What' }],
            tokens: [fakeToken(0), fakeToken(1)],
            stopReason: 'end-of-generation',
            sampling: defaultSampling,
            tokensPerSecond: 12.5,
            timeToFirstTokenMs: 40,
          },
        },
      ],
      currentLeafId: 'n2',
    }
    // Exactly as the whole-document store wrote it: the validated document (session format 1),
    // one JSON line. It opens upgraded to the current format.
    const v1 = JSON.stringify({ ...old, schemaVersion: 1 })
    writeFileSync(join(directory, 'v1.json'), v1)
    const store = createSessionStore({ directory })
    expect(await store.listSessions()).toEqual([
      { id: 'v1', title: 'Saved before', kind: 'chat', updatedAt: old.updatedAt },
    ])
    expect(await store.loadSession({ id: 'v1' })).toEqual(old)
    await store.flush()
    expect(readFileSync(join(directory, 'v1.json'), 'utf8')).toBe(v1)
    await store.updateSession(rename('v1', 'Changed'))
    await until(() =>
      readFileSync(join(directory, 'v1.json'), 'utf8').startsWith('{"schemaVersion":2'),
    )
    await store.flush()
    const header = JSON.parse(readFileSync(join(directory, 'v1.json'), 'utf8').split('\n')[0]!)
    expect(header).toMatchObject({ schemaVersion: 2, id: 'v1', title: 'Changed' })
    expect(await createSessionStore({ directory }).loadSession({ id: 'v1' })).toEqual({
      ...old,
      title: 'Changed',
      updatedAt: at(30),
    })
  })

  it('deletes into the trash and restores from it, journal included', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(session('d', 'Doomed')))
    await store.updateSession(rename('d', 'Doomed, renamed'))
    await store.deleteSession({ id: 'd' })
    expect(await store.listSessions()).toEqual([])
    expect((await failure(store.loadSession({ id: 'd' })))?.message).toMatch(/no session d/)
    await store.restoreSession({ id: 'd' })
    expect((await store.listSessions()).map((s) => s.title)).toEqual(['Doomed, renamed'])
  })

  it('rejects ids that could escape the folder', async () => {
    const store = createSessionStore({ directory: newDirectory() })
    expect((await failure(store.loadSession({ id: '../etc/passwd' })))?.message).toMatch(
      /not a session id/,
    )
  })

  it('keeps a comparison, records its columns, and keeps runs of columns that stay', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    writeFileSync(join(directory, 'plain.json'), JSON.stringify(session('plain', 'Plain')))
    const comparison = { ...comparisonSession('cmp', ['c1', 'c2'], 'Once upon'), title: 'Side' }
    await store.updateSession(create(comparison))
    const c1 = { nodeId: 'col-c1' }
    await store.record('cmp', [
      {
        type: 'runStarted',
        target: c1,
        prompt: [{ id: 1, text: 'Once' }],
        sampling: defaultSampling,
      },
    ])
    await store.record('cmp', [{ type: 'tokensAdded', target: c1, tokens: [fakeToken(3)] }])
    await store.record('cmp', [
      {
        type: 'runEnded',
        target: c1,
        stopReason: 'max-tokens',
        tokensPerSecond: 9,
        timeToFirstTokenMs: 3,
      },
    ])
    const change = comparisonChangeOf(comparison, at(5))!
    await store.updateSession({
      id: 'cmp',
      intents: [
        {
          ...change,
          prompt: { ...change.prompt, text: 'Once upon a' },
          columns: [
            change.columns[0]!,
            { nodeId: 'col-c3', column: { ...change.columns[1]!.column, key: 'c3' } },
          ],
        },
      ],
    })
    const loaded = await createSessionStore({ directory }).loadSession({ id: 'cmp' })
    const tree = comparisonOf(loaded.nodes)
    expect(tree?.prompt.text).toBe('Once upon a')
    expect(tree?.columns.map((c) => [c.column.key, c.run?.tokens.length ?? null])).toEqual([
      ['c1', 1],
      ['c3', null],
    ])
    expect(tree?.columns[0]?.run).toMatchObject({
      stopReason: 'max-tokens',
      tokens: [fakeToken(3)],
    })
    // A column node is recorded into afresh: its text is its run's.
    expect(tree?.columns[0]?.text).toBe('t103')
    expect((await store.listSessions()).map((s) => [s.id, s.kind]).sort()).toEqual([
      ['cmp', 'compare'],
      ['plain', 'chat'],
    ])
    const tooWide = comparisonSession('wide', ['a', 'b', 'c', 'd', 'e'])
    expect((await failure(store.updateSession(create(tooWide))))?.message).toMatch(
      /intents\.0\.document\.nodes: a comparison has at most 4 columns/,
    )
  })

  it("records tokens into the run's columns, O(batch) per batch, and journals lines of at most 512", async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory, flushMs: 20 })
    await store.updateSession(create(emptyChat('big')))
    await store.updateSession({ id: 'big', intents: [sent, started] })
    for (let i = 0; i < 20_000; i += 8) {
      const batch = Array.from({ length: 8 }, (_, k) => fakeToken(i + k, 2))
      void store.record('big', [{ type: 'tokensAdded', target: reply, tokens: batch }])
    }
    await store.flush()
    const doc = await store.loadSession({ id: 'big' })
    const tokens = doc.nodes[1]!.run!.tokens
    expect(tokens).toHaveLength(20_000)
    expect(tokens[0]).toEqual(fakeToken(0, 2))
    expect(tokens[19_999]).toEqual(fakeToken(19_999, 2))
    // Objects are made for the UI on each load, never kept by the host.
    expect((await store.loadSession({ id: 'big' })).nodes[1]!.run!.tokens).not.toBe(tokens)
    const lines = readFileSync(join(directory, 'big.journal'), 'utf8').trim().split('\n')
    const sizes = lines
      .map((l) => JSON.parse(l) as { i: { type: string; encoded?: { tokens: { id: number[] } } } })
      .filter((l) => l.i.type === 'tokensAdded')
      .map((l) => l.i.encoded!.tokens.id.length)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20_000)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(512)
    const reread = await createSessionStore({ directory }).loadSession({ id: 'big' })
    expect(reread.nodes[1]!.run!.tokens).toEqual(tokens)
  })

  it('journals and snapshots a run from its columns, texts that differ for one id included', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory, flushMs: 5 })
    await store.updateSession(create(emptyChat('o')))
    // The prompt gives id 100 another text than the tokens do: that run is written plain.
    const prompt = [{ id: 100, text: 'prompt text' }]
    await store.updateSession({ id: 'o', intents: [sent, { ...started, prompt }] })
    const tokens = Array.from({ length: 700 }, (_, i) => fakeToken(i, 4))
    tokens[600] = { ...tokens[600]!, text: 'another text' }
    for (let i = 0; i < tokens.length; i += 70)
      await store.record('o', [
        { type: 'tokensAdded', target: reply, tokens: tokens.slice(i, i + 70) },
      ])
    await store.record('o', [
      {
        type: 'runEnded',
        target: reply,
        stopReason: 'max-tokens',
        tokensPerSecond: 1,
        timeToFirstTokenMs: 2,
      },
    ])
    await store.flush()
    const expected = await store.loadSession({ id: 'o' })
    expect(expected.nodes[1]!.run!.tokens).toEqual(tokens)
    expect(expected.nodes[1]!.run!.prompt).toEqual(prompt)
    // From the journal…
    expect(await createSessionStore({ directory }).loadSession({ id: 'o' })).toEqual(expected)
    // …and from a snapshot.
    expect(await compactedAndReopened(directory, 'o')).toEqual(expected)
  })

  it("keeps each token's Lab candidates and a split character's bytes, from the journal and from a snapshot", async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory, flushMs: 5 })
    await store.updateSession(create(emptyChat('m')))
    const prompt = [
      { id: 7, text: '\uFFFD', bytes: [0xe6] },
      { id: 8, text: 'x' },
    ]
    await store.updateSession({ id: 'm', intents: [sent, { ...started, prompt }] })
    const tokens = Array.from({ length: 30 }, (_, i) => {
      const token = fakeToken(i, 3)
      if (i % 3 !== 0) return token
      // Every third token kept 5 more candidates for the Lab, one a piece of a character.
      const more = Array.from({ length: 5 }, (_, k) => ({
        id: 400 + k,
        text: k === 0 ? '\uFFFD' : `m${k}`,
        ...(k === 0 && { bytes: [0x9f] }),
        logit: -1 - k,
        modelProb: 0.01 / (k + 1),
        samplingProb: 0.005 / (k + 1),
      }))
      return { ...token, moreCandidates: more }
    })
    tokens[4] = { ...tokens[4]!, id: 7, text: '\uFFFD', bytes: [0xe6] }
    await store.record('m', [{ type: 'tokensAdded', target: reply, tokens }])
    await store.record('m', [
      {
        type: 'runEnded',
        target: reply,
        stopReason: 'max-tokens',
        tokensPerSecond: 1,
        timeToFirstTokenMs: 2,
      },
    ])
    await store.flush()
    const loaded = await store.loadSession({ id: 'm' })
    expect(loaded.nodes[1]!.run!.tokens).toEqual(tokens)
    expect(loaded.nodes[1]!.run!.prompt).toEqual(prompt)
    expect(await createSessionStore({ directory }).loadSession({ id: 'm' })).toEqual(loaded)
    const reopened = await compactedAndReopened(directory, 'm')
    expect(reopened.nodes[1]!.run!.tokens[3]!.moreCandidates).toHaveLength(5)
    expect(reopened.nodes[1]!.run!.tokens[3]!.moreCandidates![0]!.bytes).toEqual([0x9f])
    expect(reopened.nodes[1]!.run!.tokens[4]!.bytes).toEqual([0xe6])
    expect(reopened).toEqual(loaded)
  })

  it('journals the time an imported run carries, as it applied it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(emptyChat('m')))
    await store.updateSession({
      id: 'm',
      intents: [
        sent,
        { ...started, now: at(7) } as SessionIntent,
        { type: 'tokensAdded', target: reply, tokens: [fakeToken(1)], now: at(8) },
        { type: 'tokensAdded', target: reply, tokens: [fakeToken(2)], now: at(9) },
      ],
    })
    const doc = await store.loadSession({ id: 'm' })
    expect(doc.updatedAt).toBe(at(9))
    expect(await createSessionStore({ directory }).loadSession({ id: 'm' })).toMatchObject({
      updatedAt: at(9),
      nodes: [{}, { run: { tokens: [fakeToken(1), fakeToken(2)] } }],
    })
    await store.updateSession({
      id: 'm',
      intents: [{ type: 'tokensAdded', target: reply, tokens: [fakeToken(3)], now: at(4) }],
    })
    const reread = await createSessionStore({ directory }).loadSession({ id: 'm' })
    expect(reread.updatedAt).toBe(at(4))
  })

  it('reopens after the host was killed mid-run with every journaled token, stopped', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory, flushMs: 10 })
    await store.updateSession(create(emptyChat('k')))
    await store.updateSession({ id: 'k', intents: [sent, started] })
    const recorded = Array.from({ length: 300 }, (_, i) => fakeToken(i))
    for (let i = 0; i < recorded.length; i += 30)
      void store.record('k', [
        { type: 'tokensAdded', target: reply, tokens: recorded.slice(i, i + 30) },
      ])
    await store.flush()
    // Killed: no runEnded, no compaction. The snapshot still predates the run.
    expect(readFileSync(join(directory, 'k.json'), 'utf8').split('\n')).toHaveLength(3)
    const reopened = createSessionStore({ directory })
    const doc = await reopened.loadSession({ id: 'k' })
    const run = doc.nodes.find((n) => n.id === 'r1')!.run!
    expect(run.tokens).toEqual(recorded)
    expect(run.stopReason).toBe('cancelled')
    expect(run.prompt).toEqual([{ id: 1, text: '<|im_start|>' }])
    expect(doc.nodes.find((n) => n.id === 'r1')!.text).toBe(replyText(recorded, 'cancelled'))
    // Folded into a snapshot once reopened; a third launch reads the same.
    await reopened.flush()
    await until(() => !existsSync(join(directory, 'k.journal')))
    expect(existsSync(join(directory, 'k.journal'))).toBe(false)
    expect(await createSessionStore({ directory }).loadSession({ id: 'k' })).toEqual(doc)
  })

  it('replays idempotently after a crash between writing the snapshot and emptying the journal', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory, flushMs: 10 })
    await store.updateSession(create(emptyChat('i')))
    await store.updateSession({ id: 'i', intents: [sent, started] })
    await store.record('i', [{ type: 'tokensAdded', target: reply, tokens: [fakeToken(1)] }])
    await store.record('i', [{ type: 'tokensAdded', target: reply, tokens: [fakeToken(2)] }])
    await store.flush()
    copyFileSync(join(directory, 'i.journal'), join(directory, 'saved.journal'))
    await store.record('i', [
      {
        type: 'runEnded',
        target: reply,
        stopReason: 'end-of-generation',
        tokensPerSecond: 20,
        timeToFirstTokenMs: 5,
      },
    ])
    const compacting = createSessionStore({ directory, compactBytes: 0 })
    const expected = await compacting.loadSession({ id: 'i' })
    await compacting.flush()
    await until(() => !existsSync(join(directory, 'i.journal')))
    expect(existsSync(join(directory, 'i.journal'))).toBe(false)
    // The crash: the journal's old lines are still there next to the new snapshot.
    copyFileSync(join(directory, 'saved.journal'), join(directory, 'i.journal'))
    const doc = await createSessionStore({ directory }).loadSession({ id: 'i' })
    expect(doc).toEqual(expected)
    expect(doc.nodes[1]!.run!.tokens).toHaveLength(2)
    expect(doc.nodes[1]!.run!.stopReason).toBe('end-of-generation')
  })

  it('drops a journal line cut short by a crash and keeps appending after it', async () => {
    const directory = newDirectory()
    const store = createSessionStore({ directory })
    await store.updateSession(create(session('t', 'First')))
    await store.updateSession(rename('t', 'Second'))
    await fs.appendFile(join(directory, 't.journal'), '{"s":3,"at":"2026')
    const reopened = createSessionStore({ directory })
    expect((await reopened.loadSession({ id: 't' })).title).toBe('Second')
    await reopened.updateSession(rename('t', 'Third', 33))
    expect((await createSessionStore({ directory }).loadSession({ id: 't' })).title).toBe('Third')
  })
})
