import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import { completionPathTokens } from '../../src/shared/completion-tree'
import { importUpdates } from '../../src/shared/import-intents'
import { sessionFromJson, sessionToMarkdown } from '../../src/shared/session-export'
import { sessionSchemaVersion, type SessionDocument } from '../../src/shared/sessions'
import { fakeToken } from '../helpers/session-fixture'

// Files written by session format 1, where every Completion branch's run record held its whole
// path (tests/fixtures/sessions-v1/README.md says how they were made). They must keep opening.

const fixtures = join(__dirname, '../fixtures/sessions-v1')
const id = 'completion-v1'

/** The fixture folder `name`, copied where a store may rewrite it. */
function folder(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'tokenscope-v1-'))
  cpSync(join(fixtures, name), directory, { recursive: true })
  return directory
}

/** The whole paths format 1 kept, from its export. */
function v1Paths(): Map<string, number[]> {
  const raw = JSON.parse(readFileSync(join(fixtures, `${id}.export.json`), 'utf8')) as {
    schemaVersion: number
    nodes: { id: string; run: { tokens: { id: number }[] } | null }[]
  }
  expect(raw.schemaVersion).toBe(1)
  return new Map(raw.nodes.flatMap((n) => (n.run ? [[n.id, n.run.tokens.map((t) => t.id)]] : [])))
}

const shape = (doc: SessionDocument) =>
  doc.nodes.map((n) => [n.id, n.parentId, n.forkAt, n.origin, n.run?.tokens.length ?? null])

describe('sessions written by format 1', () => {
  it('open from the host snapshot and its journal as one tree whose nodes keep their own tokens', async () => {
    const doc = await createSessionStore({ directory: folder('journal') }).loadSession({ id })
    expect(doc.schemaVersion).toBe(sessionSchemaVersion)
    expect(shape(doc)).toEqual([
      ['p', null, undefined, undefined, null],
      ['r1', 'p', undefined, 'run', 8],
      // The branch at token 3 keeps its pick and 4 tokens; the continuation its 3.
      ['b1', 'r1', 3, 'branch', 5],
      ['c1', 'b1', 8, 'branch', 3],
      ['g1', 'p', undefined, 'run', 5],
    ])
    expect(doc.nodes.some((n) => n.branchOf !== undefined)).toBe(false)
    // Every text reads as it did: its ancestors' kept parts, then its own tokens.
    for (const [node, path] of v1Paths())
      expect(completionPathTokens(doc, node).map((t) => t.id)).toEqual(path)
    expect(doc.currentLeafId).toBe('c1')
  })

  it('open from a compacted snapshot, and from an exported file, as the same document', async () => {
    const replayed = await createSessionStore({ directory: folder('journal') }).loadSession({ id })
    const compacted = await createSessionStore({ directory: folder('snapshot') }).loadSession({
      id,
    })
    expect(compacted).toEqual(replayed)
    const read = sessionFromJson(readFileSync(join(fixtures, `${id}.export.json`), 'utf8'))
    if (!read.ok) throw new Error(read.message)
    expect(read.document).toEqual(replayed)
  })

  it('import from an exported file into the same document the host had', async () => {
    const read = sessionFromJson(readFileSync(join(fixtures, `${id}.export.json`), 'utf8'))
    if (!read.ok) throw new Error(read.message)
    const directory = mkdtempSync(join(tmpdir(), 'tokenscope-import-'))
    const store = createSessionStore({ directory })
    // What the page does with an imported file: its outline, then each run in pieces.
    for (const intents of importUpdates(read.document)) await store.updateSession({ id, intents })
    expect(await store.loadSession({ id })).toEqual(read.document)
  })

  it('export as the same Markdown as format 1 did: the shown branch reads on its own', async () => {
    const doc = await createSessionStore({ directory: folder('snapshot') }).loadSession({ id })
    expect(sessionToMarkdown(doc)).toBe(readFileSync(join(fixtures, `${id}.export.md`), 'utf8'))
  })

  it('take new branches as nodes keeping their own tokens', async () => {
    const directory = folder('journal')
    const store = createSessionStore({ directory })
    const doc = await store.loadSession({ id })
    // A branch of the continuation at token 9, as the page sends it now.
    const pick = { ...fakeToken(31), id: 260, text: 'a260' }
    await store.updateSession({
      id,
      intents: [
        {
          type: 'nodeAdded',
          node: {
            id: 'd1',
            parentId: 'c1',
            role: 'completion',
            text: '',
            createdAt: doc.updatedAt,
            origin: 'branch',
            forkAt: 9,
          },
          first: pick,
        },
        { type: 'leafShown', nodeId: 'd1' },
      ],
    })
    await store.flush()
    const again = await createSessionStore({ directory }).loadSession({ id })
    expect(again.nodes.find((n) => n.id === 'd1')?.run?.tokens).toEqual([pick])
    expect(completionPathTokens(again, 'd1').map((t) => t.id)).toEqual([
      ...(v1Paths().get('c1') ?? []).slice(0, 9),
      260,
    ])
  })
})
