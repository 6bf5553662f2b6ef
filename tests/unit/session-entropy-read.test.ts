import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import type { GeneratedToken } from '../../src/shared/contract'
import { toAppError } from '../../src/shared/errors'
import { applyIntents } from '../../src/shared/session-apply'
import type { SessionIntent } from '../../src/shared/session-intents'
import { completionSession, fakeToken } from '../helpers/session-fixture'

// Token 1 was only bounded by its run (as on a large vocabulary): 2 ≤ H ≤ 3 bits.
const tokens: GeneratedToken[] = [
  fakeToken(0),
  { ...fakeToken(1), entropyBits: 2, entropyUpperBits: 3 },
  fakeToken(2),
]
const target = { nodeId: 'c' }
const read = (index: number, bits: number): SessionIntent => ({
  type: 'entropyRead',
  target,
  index,
  bits,
})
const now = '2026-12-04T10:00:00.000Z'
const tokensOf = (doc: ReturnType<typeof completionSession>) =>
  doc.nodes.find((n) => n.id === 'c')?.run?.tokens ?? []
const refusal = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return toAppError(error).message
  }
  return null
}

describe('an exact entropy read on demand, in a saved session', () => {
  it('replaces the bounds of that token alone, and applying it again changes nothing', () => {
    const doc = completionSession('e1', tokens)
    const read1 = applyIntents(doc, [read(1, 2.4)], now)
    expect(tokensOf(read1)[1]).toEqual({ ...fakeToken(1), entropyBits: 2.4 })
    expect(tokensOf(read1)[1]).not.toHaveProperty('entropyUpperBits')
    expect(tokensOf(read1)[0]).toEqual(tokens[0])
    expect(tokensOf(applyIntents(read1, [read(1, 2.4)], now))).toEqual(tokensOf(read1))
  })

  it('refuses a value outside the bounds, a token that was exact, and a token not there', () => {
    const doc = completionSession('e2', tokens)
    expect(refusal(() => applyIntents(doc, [read(1, 3.5)], now))).toMatch(/outside token 1's/)
    expect(refusal(() => applyIntents(doc, [read(0, 1)], now))).toMatch(/already has an exact/)
    expect(refusal(() => applyIntents(doc, [read(3, 2.5)], now))).toMatch(/has no token 3/)
    expect(tokensOf(doc)).toEqual(tokens)
  })

  it('leaves a document alone for an intent it does not know (a newer journal line)', () => {
    const doc = completionSession('e4', tokens)
    const unknown = { type: 'fromTheFuture', target } as unknown as SessionIntent
    expect(refusal(() => applyIntents(doc, [unknown], now))).toMatch(
      /Unknown intent "fromTheFuture"/,
    )
  })

  it('is skipped in a journal, with the lines after it replayed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tokenscope-entropy-'))
    const store = createSessionStore({ directory })
    const created = completionSession('e5', tokens)
    await store.updateSession({ id: 'e5', intents: [{ type: 'created', document: created }] })
    await store.updateSession({ id: 'e5', intents: [{ type: 'renamed', title: 'First', now }] })
    await store.close()
    const journal = join(directory, 'e5.journal')
    const last = readFileSync(journal, 'utf8').trim().split('\n').at(-1) ?? '{}'
    const s = (JSON.parse(last) as { s: number }).s
    const line = (n: number, i: object) => `${JSON.stringify({ s: n, at: now, i })}\n`
    appendFileSync(journal, line(s + 1, { type: 'fromTheFuture', target }))
    appendFileSync(journal, line(s + 2, { type: 'renamed', title: 'Still here', now }))
    const reopened = await createSessionStore({ directory }).loadSession({ id: 'e5' })
    expect(reopened.title).toBe('Still here')
    expect(tokensOf(reopened)).toEqual(tokens)
  })

  it('is kept by the host through its journal and its snapshot', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tokenscope-entropy-'))
    const store = createSessionStore({ directory })
    const created = completionSession('e3', tokens)
    await store.updateSession({ id: 'e3', intents: [{ type: 'created', document: created }] })
    await expect(store.updateSession({ id: 'e3', intents: [read(1, 9)] })).rejects.toThrow(
      /outside/,
    )
    await store.updateSession({ id: 'e3', intents: [read(1, 2.5)] })
    await store.close()

    const fromJournal = await createSessionStore({ directory }).loadSession({ id: 'e3' })
    expect(tokensOf(fromJournal)[1]).toEqual({ ...fakeToken(1), entropyBits: 2.5 })

    const compacting = createSessionStore({ directory, compactBytes: 0, compactRatio: 0 })
    await compacting.loadSession({ id: 'e3' })
    await compacting.flush()
    // The store folds the journal into the snapshot on its own once the session is idle.
    await expect.poll(() => existsSync(join(directory, 'e3.journal'))).toBe(false)
    await compacting.close()
    const fromSnapshot = await createSessionStore({ directory }).loadSession({ id: 'e3' })
    expect(tokensOf(fromSnapshot)).toEqual(tokensOf(fromJournal))
  })
})
