import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import { comparisonOf } from '../../src/shared/compare-tree'
import { toAppError } from '../../src/shared/errors'
import { importUpdates } from '../../src/shared/import-intents'
import { sessionFromJson, sessionToMarkdown } from '../../src/shared/session-export'
import { compareRecordSchema, type CompareRecord } from '../../src/shared/session-legacy'
import { sessionSchemaVersion, type SessionDocument } from '../../src/shared/sessions'
import { fakeToken } from '../helpers/session-fixture'

// Compare sessions written by session format 2, where a comparison was a record beside an empty
// tree (tests/fixtures/sessions-v2-compare/README.md says how they were made). They must keep
// opening, with the same columns, settings and tokens.

const fixtures = join(__dirname, '../fixtures/sessions-v2-compare')
const completionId = 'd5450cef-6477-4e73-9f32-37ede21e3f52'
const chatId = '78b97fee-0735-43ab-87e0-7347bd17c2e6'

function folder(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tokenscope-v2-compare-'))
  cpSync(join(fixtures, name), directory, { recursive: true })
  return directory
}

const exported = () => readFileSync(join(fixtures, 'compare-v2.export.json'), 'utf8')

/** The comparison as format 2 exported it. */
function v2Record(): CompareRecord {
  const raw = JSON.parse(exported()) as { schemaVersion: number; compare: unknown }
  expect(raw.schemaVersion).toBe(2)
  return compareRecordSchema.parse(raw.compare)
}

/** What a user sees of a comparison: the record's fields, read from the tree. */
function asRecord(doc: SessionDocument): CompareRecord {
  const comparison = comparisonOf(doc.nodes)
  if (!comparison) throw new Error('no comparison in the document')
  const { prompt, columns } = comparison
  return {
    ...prompt.comparison,
    prompt: prompt.text,
    system: doc.system,
    columns: columns.map((n) => ({ ...n.column, run: n.run })),
  }
}

describe('Compare sessions written by format 2', () => {
  it('open from the snapshot and journal with the same prompt, columns, settings and tokens', async () => {
    const store = createSessionStore({ directory: folder('journal') })
    const doc = await store.loadSession({ id: completionId })
    expect(doc.schemaVersion).toBe(sessionSchemaVersion)
    expect(doc.kind).toBe('compare')
    expect(asRecord(doc)).toEqual(v2Record())
    // One prompt node, a completion node per column under it, in the columns' order.
    expect(doc.nodes.map((n) => [n.role, n.parentId, n.forkAt, n.column?.key])).toEqual([
      ['prompt', null, undefined, undefined],
      ['completion', doc.nodes[0]!.id, 0, 'c1'],
      ['completion', doc.nodes[0]!.id, 0, 'c2'],
      ['completion', doc.nodes[0]!.id, 0, 'c3'],
    ])
    // Column 3 was run again alone: it holds the second run only.
    const record = v2Record()
    expect(record.columns.map((c) => c.run?.tokens.length)).toEqual([12, 10, 8])
    expect(doc.nodes[3]!.run?.sampling.seed).toBe(record.columns[2]!.settings.sampling.seed)
    expect(doc.nodes[2]!.column?.settings.sampling.repeatPenalty).toBe(1.3)
    expect(doc.nodes[1]!.column?.preset).toBe('greedy')
    expect(doc.nodes[3]!.text).toBe(record.columns[2]!.run!.tokens.map((t) => t.text).join(''))
  })

  it('open a chat-message comparison with its system prompt and shared seed', async () => {
    const journal = await createSessionStore({ directory: folder('journal') }).loadSession({
      id: chatId,
    })
    const snapshot = await createSessionStore({ directory: folder('snapshot') }).loadSession({
      id: chatId,
    })
    expect(snapshot).toEqual(journal)
    const record = asRecord(journal)
    expect(record).toMatchObject({
      input: 'chat',
      prompt: 'What is a token?',
      system: 'You explain tokens.',
      sameSeed: true,
    })
    expect(record.columns.map((c) => c.key)).toEqual(['c1', 'c2'])
    expect(record.columns.every((c) => (c.run?.tokens.length ?? 0) > 0)).toBe(true)
    const seeds = record.columns.map((c) => c.run?.sampling.seed)
    expect(seeds[0]).toBe(seeds[1])
  })

  it('open from a compacted snapshot and from an exported file as the same document', async () => {
    const replayed = await createSessionStore({ directory: folder('journal') }).loadSession({
      id: completionId,
    })
    const compacted = await createSessionStore({ directory: folder('snapshot') }).loadSession({
      id: completionId,
    })
    expect(compacted).toEqual(replayed)
    const read = sessionFromJson(exported())
    if (!read.ok) throw new Error(read.message)
    expect(read.document).toEqual(replayed)
  })

  it('import from an exported file into the same document the host had', async () => {
    const read = sessionFromJson(exported())
    if (!read.ok) throw new Error(read.message)
    const store = createSessionStore({ directory: mkdtempSync(join(tmpdir(), 'ts-import-')) })
    for (const intents of importUpdates(read.document))
      await store.updateSession({ id: completionId, intents })
    expect(await store.loadSession({ id: completionId })).toEqual(read.document)
  })

  it('export as the same Markdown as format 2 did', async () => {
    const doc = await createSessionStore({ directory: folder('snapshot') }).loadSession({
      id: completionId,
    })
    expect(sessionToMarkdown(doc)).toBe(
      readFileSync(join(fixtures, 'compare-v2.export.md'), 'utf8'),
    )
  })

  it('record a column run again into its node, and keep it after a reopen', async () => {
    const directory = folder('journal')
    const store = createSessionStore({ directory })
    const doc = await store.loadSession({ id: completionId })
    const target = { nodeId: doc.nodes[2]!.id }
    const sampling = doc.nodes[2]!.column!.settings.sampling
    await store.updateSession({
      id: completionId,
      intents: [
        { type: 'runStarted', target, prompt: [], sampling },
        { type: 'tokensAdded', target, tokens: [fakeToken(1), fakeToken(2)] },
        {
          type: 'runEnded',
          target,
          stopReason: 'max-tokens',
          tokensPerSecond: 5,
          timeToFirstTokenMs: 1,
        },
      ],
    })
    // The migrated session is written in the current format on its own once the run is in.
    await store.flush()
    const journal = join(directory, `${completionId}.journal`)
    for (let waited = 0; existsSync(journal) && waited < 5000; waited += 10)
      await new Promise((r) => setTimeout(r, 10))
    await store.close()
    const reopened = await createSessionStore({ directory }).loadSession({ id: completionId })
    expect(reopened.schemaVersion).toBe(sessionSchemaVersion)
    expect(reopened.nodes[2]!.run?.tokens.map((t) => t.id)).toEqual([101, 102])
    expect(reopened.nodes[2]!.text).toBe('t101t102')
    // The other columns are as they were.
    expect(reopened.nodes[1]).toEqual(doc.nodes[1])
    // The old version refuses it (format 3) rather than misread it.
    const header = readFileSync(join(directory, `${completionId}.json`), 'utf8').split('\n')[1]!
    expect((JSON.parse(header) as { schemaVersion: number }).schemaVersion).toBe(3)
  })

  it('refuses a comparison from a newer format untouched, and sets a damaged one aside whole', async () => {
    const directory = folder('snapshot')
    const file = join(directory, `${completionId}.json`)
    const lines = readFileSync(file, 'utf8').split('\n')
    const future = [
      lines[0],
      lines[1]!.replace('"schemaVersion":2', '"schemaVersion":4'),
      ...lines.slice(2),
    ]
    writeFileSync(file, future.join('\n'))
    const store = createSessionStore({ directory })
    const refused = await store.loadSession({ id: completionId }).catch((e: unknown) => e)
    expect(toAppError(refused).message).toMatch(/newer Tokenscope \(format 4\)/)
    expect(readFileSync(file, 'utf8')).toBe(future.join('\n'))

    const damaged = join(directory, `${chatId}.json`)
    const text = readFileSync(damaged, 'utf8')
    // A column whose key is empty: the comparison is not dropped, the file is set aside.
    writeFileSync(damaged, text.replace('"key":"c2"', '"key":""'))
    const aside = await store.loadSession({ id: chatId }).catch((e: unknown) => e)
    expect(toAppError(aside).message).toMatch(/nodes\.2\.column\.key.*moved to/s)
    const imported = sessionFromJson(exported().replace('"key": "c2"', '"key": ""'))
    expect(imported.ok || imported.message).toMatch(/nodes\.2\.column\.key/)
    expect((await store.storageProblems()).map((p) => p.kind).sort()).toEqual([
      'corrupt',
      'newer-version',
    ])
  })
})
