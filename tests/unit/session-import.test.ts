import { describe, expect, it } from 'vitest'
import { replyText } from '../../src/shared/conversation'
import { applyIntents } from '../../src/shared/session-apply'
import { maxIntentsPerUpdate, type SessionIntent } from '../../src/shared/session-intents'
import type { SessionDocument } from '../../src/shared/sessions'
import { importTokensPerUpdate, importUpdates } from '../../src/shared/import-intents'
import { emptyChat, fakeToken } from '../helpers/session-fixture'

const at = '2026-11-22T10:00:00.000Z'
const later = '2026-12-01T08:00:00.000Z'

/** A chat with one long reply and a short one, as an exported file holds it. */
function exported(): SessionDocument {
  const base = emptyChat('imported', at)
  const run = (count: number, first: number) => ({
    prompt: [{ id: 1, text: 'Q' }],
    tokens: Array.from({ length: count }, (_, i) => ({ ...fakeToken(first + i), position: i })),
    stopReason: 'max-tokens' as const,
    sampling: base.settings.sampling,
    tokensPerSecond: 12,
    timeToFirstTokenMs: 30,
  })
  const long = run(2500, 0)
  const short = run(3, 5000)
  return {
    ...base,
    title: 'An old chat',
    updatedAt: later,
    nodes: [
      { id: 'u1', parentId: null, role: 'user', text: 'Q', run: null, createdAt: at },
      {
        id: 'a1',
        parentId: 'u1',
        role: 'assistant',
        text: replyText(long.tokens, long.stopReason),
        run: long,
        createdAt: at,
      },
      { id: 'u2', parentId: 'a1', role: 'user', text: 'Again', run: null, createdAt: at },
      {
        id: 'a2',
        parentId: 'u2',
        role: 'assistant',
        text: replyText(short.tokens, short.stopReason),
        run: short,
        createdAt: at,
      },
    ],
    currentLeafId: 'a2',
  }
}

describe('importing a session', () => {
  it('sends the outline first, then runs in updates of at most 1,000 tokens', () => {
    const updates = importUpdates(exported())
    const [first] = updates
    expect(first).toHaveLength(1)
    const created = first?.[0]
    if (created?.type !== 'created') throw new Error('no outline first')
    expect(created.document.nodes.every((n) => n.run === null)).toBe(true)
    const tokensPer = (intents: SessionIntent[]) =>
      intents.reduce((sum, i) => sum + (i.type === 'tokensAdded' ? i.tokens.length : 0), 0)
    expect(updates.slice(1).map(tokensPer)).toEqual([1000, 1000, 503])
    expect(Math.max(...updates.map(tokensPer))).toBeLessThanOrEqual(importTokensPerUpdate)
  })

  it('keeps each update within the host’s intent limit when there are many short runs', () => {
    const doc = exported()
    const reply = doc.nodes[3]
    if (!reply?.run) throw new Error('no reply')
    const many = Array.from({ length: 300 }, (_, i) => ({ ...reply, id: `r${i}` }))
    const updates = importUpdates({ ...doc, nodes: [...doc.nodes, ...many] })
    expect(Math.max(...updates.map((u) => u.length))).toBeLessThanOrEqual(maxIntentsPerUpdate)
  })

  it('rebuilds the same document on the host, its saved time included', () => {
    const original = exported()
    const [first, ...rest] = importUpdates(original)
    const created = first?.[0]
    if (created?.type !== 'created') throw new Error('no outline first')
    const rebuilt = rest.reduce(
      (doc, intents) => applyIntents(doc, intents, '2026-12-02T09:00:00.000Z'),
      created.document,
    )
    expect(rebuilt).toEqual(original)
  })
})
