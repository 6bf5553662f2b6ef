import { describe, expect, it } from 'vitest'
import { comparisonChangeOf, comparisonOf } from '../../src/shared/compare-tree'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import { applyIntents, applyStoredIntents } from '../../src/shared/session-apply'
import { upgradeSession } from '../../src/shared/session-migrate'
import { parseUpdateSessionRequest } from '../../src/shared/session-intent-schema'
import type { SessionIntent } from '../../src/shared/session-intents'
import { sessionDocumentSchema, type SessionDocument } from '../../src/shared/sessions'
import { expandedDocument, storedDocument } from '../../src/shared/stored-document'
import { comparisonSession, fakeToken } from '../helpers/session-fixture'

// A comparison is a tree: a prompt node holding what the columns share, and one completion node
// per column under it (shared/compare-tree.ts).

const hostNow = '2026-11-22T12:00:00.000Z'

/** A run of column node `nodeId` with tokens `ids`, as the host records it. */
function run(nodeId: string, ...ids: number[]): SessionIntent[] {
  const target = { nodeId }
  return [
    { type: 'runStarted', target, prompt: [{ id: 1, text: 'Once' }], sampling: defaultSampling },
    { type: 'tokensAdded', target, tokens: ids.map((i) => fakeToken(i)) },
    {
      type: 'runEnded',
      target,
      stopReason: 'max-tokens',
      tokensPerSecond: 3,
      timeToFirstTokenMs: 2,
    },
  ]
}

const refusal = (apply: () => unknown) => {
  try {
    apply()
    return null
  } catch (error) {
    return toAppError(error)
  }
}

const columnsOf = (doc: SessionDocument) =>
  comparisonOf(doc.nodes)?.columns.map((n) => [n.id, n.column.key, n.run?.tokens.length ?? null])

describe('a comparison as a tree', () => {
  it('is a prompt node with a completion node per column under it, at forkAt 0', () => {
    const doc = sessionDocumentSchema.parse(comparisonSession('t', ['c1', 'c2']))
    const tree = comparisonOf(doc.nodes)
    expect(tree?.prompt).toMatchObject({ id: 'p', role: 'prompt', text: 'Once' })
    expect(tree?.columns.map((n) => [n.parentId, n.forkAt, n.origin, n.column.key])).toEqual([
      ['p', 0, 'run', 'c1'],
      ['p', 0, 'run', 'c2'],
    ])
  })

  it('records each column run into its node; a column run again starts afresh', () => {
    let doc = applyIntents(comparisonSession('t', ['c1', 'c2']), run('col-c1', 1, 2, 3), hostNow)
    doc = applyIntents(doc, run('col-c2', 4), hostNow)
    expect(columnsOf(doc)).toEqual([
      ['col-c1', 'c1', 3],
      ['col-c2', 'c2', 1],
    ])
    doc = applyIntents(doc, run('col-c1', 7), hostNow)
    expect(doc.nodes[1]?.run?.tokens.map((t) => t.id)).toEqual([107])
    expect(doc.nodes[1]?.text).toBe('t107')
    // The host's form (tokens as columns) gives the same document.
    let stored = storedDocument(comparisonSession('t', ['c1', 'c2']))
    for (const intents of [run('col-c1', 1, 2, 3), run('col-c2', 4), run('col-c1', 7)])
      stored = applyStoredIntents(stored, intents, hostNow)
    expect(expandedDocument(stored)).toEqual(doc)
  })

  it('changes its prompt and columns: kept columns keep their runs, others come and go', () => {
    const start = applyIntents(comparisonSession('t', ['c1', 'c2']), run('col-c2', 4), hostNow)
    const change = comparisonChangeOf(start)!
    const c2 = change.columns[1]!
    const c3 = { nodeId: 'col-c3', column: { ...c2.column, key: 'c3', preset: 'wild' as const } }
    const doc = applyIntents(
      start,
      [
        {
          ...change,
          prompt: { ...change.prompt, text: 'Once upon', setup: { input: 'chat', sameSeed: true } },
          system: 'Be brief.',
          // Column c1 is removed, c3 added before c2.
          columns: [c3, c2],
        },
      ],
      hostNow,
    )
    expect(columnsOf(doc)).toEqual([
      ['col-c3', 'c3', null],
      ['col-c2', 'c2', 1],
    ])
    expect(doc.nodes.map((n) => n.id)).toEqual(['p', 'col-c3', 'col-c2'])
    expect(doc.nodes[0]).toMatchObject({
      text: 'Once upon',
      comparison: { input: 'chat', sameSeed: true },
    })
    expect(doc.system).toBe('Be brief.')
    expect(doc.nodes[1]).toMatchObject({ parentId: 'p', forkAt: 0, createdAt: hostNow })
    expect(sessionDocumentSchema.safeParse(doc).success).toBe(true)
  })

  it('refuses columns that share a key or a node, and a column that is not under the prompt', () => {
    const doc = comparisonSession('t', ['c1', 'c2'])
    const change = comparisonChangeOf(doc)!
    const [c1, c2] = change.columns as [(typeof change.columns)[0], (typeof change.columns)[0]]
    const cases: [SessionIntent, RegExp][] = [
      [{ ...change, columns: [c1, { ...c2, column: c1.column }] }, /different keys/],
      [{ ...change, columns: [c1, { ...c2, nodeId: c1.nodeId }] }, /different nodes/],
      [{ ...change, columns: [c1, { ...c2, nodeId: 'p' }] }, /cannot be the prompt/],
      [{ ...change, prompt: { ...change.prompt, id: 'q' } }, /starts at node p/],
    ]
    for (const [intent, message] of cases)
      expect(refusal(() => applyIntents(doc, [intent], hostNow))?.message).toMatch(message)
    const chat = { ...doc, kind: 'chat' as const }
    expect(refusal(() => applyIntents(chat, [change], hostNow))?.message).toMatch(
      /not a comparison/,
    )
    // The page's request is checked before it is applied: at most four columns.
    const five = Array.from({ length: 5 }, (_, i) => ({ ...c1, nodeId: `n${i}` }))
    expect(
      refusal(() => parseUpdateSessionRequest({ id: 't', intents: [{ ...change, columns: five }] }))
        ?.message,
    ).toMatch(/columns/)
  })

  it("replays a format-2 journal's compareChanged and column-keyed runs on the migrated tree", () => {
    const v2 = {
      ...comparisonSession('t', []),
      schemaVersion: 2,
      nodes: [],
      compare: {
        input: 'completion',
        prompt: 'Once',
        system: '',
        sameSeed: false,
        columns: ['c1', 'c2'].map((key) => ({
          key,
          settings: { sampling: defaultSampling, maxTokens: 8 },
          preset: null,
          run: null,
        })),
      },
    }
    let doc = sessionDocumentSchema.parse(upgradeSession(v2))
    const target = { column: 'c2' }
    doc = applyIntents(
      doc,
      [
        { type: 'runStarted', target, prompt: [], sampling: defaultSampling },
        { type: 'tokensAdded', target, tokens: [fakeToken(5)] },
        {
          type: 'compareChanged',
          compare: { ...v2.compare, prompt: 'Twice', columns: v2.compare.columns.slice(1) },
        } as SessionIntent,
      ],
      hostNow,
    )
    expect(columnsOf(doc)).toEqual([['column-c2', 'c2', 1]])
    expect(doc.nodes[0]).toMatchObject({ id: 'comparison-prompt', text: 'Twice' })
  })
})
