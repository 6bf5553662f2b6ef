import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { AppFailure } from '../../src/shared/errors'
import type { SessionIntent } from '../../src/shared/session-intents'
import { packOutline } from '../../src/shared/session-outline-pack'
import { pageOf, runAt, type SessionPageRequest } from '../../src/shared/session-pages'
import { storedDocument } from '../../src/shared/stored-document'
import { completionSession } from '../helpers/session-fixture'

/**
 * The page's bridge, answering as the host does (from the host's own column form of the
 * session, through the shared paging code); every call is logged as it is made.
 */
const calls: string[] = []
const sent: { id: string; intents: SessionIntent[] }[] = []
let hosted: ReturnType<typeof storedDocument>
vi.mock('../../src/renderer/src/services/engine-connection', () => ({
  getConnection: () => ({
    bridge: {
      loadSessionOutline: async () => ({
        document: packOutline(hosted),
        pageTokens: 250,
      }),
      loadSessionPage: async (r: SessionPageRequest) => {
        calls.push(`page ${r.from}`)
        const run = runAt(hosted, r.target)
        if (!run) throw new AppFailure({ code: 'invalid-request', message: 'No such run.' })
        return pageOf(run, r.from, r.to)
      },
      updateSession: async (r: { id: string; intents: SessionIntent[] }) => {
        calls.push(`update ${r.intents.map((i) => i.type).join(',')}`)
        sent.push(r)
        return { id: r.id, title: '', kind: 'completion', updatedAt: at }
      },
    },
  }),
  makeRunId: () => 'x',
}))

const { openFromHost, updateSession } =
  await import('../../src/renderer/src/sessions/host-sessions')
const { fillTokens, isDocumentFilled, isFilled } =
  await import('../../src/renderer/src/sessions/session-pages')

/** Token i with five alternatives, each of its own. */
function token(i: number): GeneratedToken {
  return {
    id: 100 + (i % 50),
    text: `t${100 + (i % 50)}`,
    logit: -1,
    modelProb: 0.5,
    samplingProb: 0.6,
    position: 10 + i,
    rank: 1,
    entropyBits: 1,
    alternatives: Array.from({ length: 5 }, (_, k) => ({
      id: 200 + ((i + k) % 30),
      text: `a${200 + ((i + k) % 30)}`,
      logit: -1 - k - i / 1e4,
      modelProb: 0.3 / (k + 1),
      samplingProb: 0.2 / (k + 1),
    })),
    tailMass: 0.125,
  }
}

const at = '2026-11-22T10:00:00.000Z'

const completion = (id: string, count: number) =>
  completionSession(
    id,
    Array.from({ length: count }, (_, i) => token(i)),
  )
const whole = completion('long', 1200)
beforeEach(() => {
  calls.length = 0
  sent.length = 0
  hosted = storedDocument(whole)
})

describe('the page reading a session page by page', () => {
  it('reads the inspected token first, then fills every token in the background', async () => {
    const doc = await openFromHost('long')
    const tokens = doc.nodes[1]!.run!.tokens
    const last = tokens.at(-1)!
    expect(isFilled(last)).toBe(false)
    await fillTokens([last])
    expect(calls[0]).toBe('page 1000')
    expect(last.alternatives).toEqual(whole.nodes[1]!.run!.tokens.at(-1)!.alternatives)
    await vi.waitFor(() => expect(isDocumentFilled(doc)).toBe(true), { timeout: 10_000 })
    expect(doc).toEqual(whole)
    // Each page was read once, the inspected one included.
    expect(new Set(calls).size).toBe(calls.length)
  })

  it('fills the background from the end of the run, where its view opens', async () => {
    const doc = await openFromHost('long')
    await vi.waitFor(() => expect(isDocumentFilled(doc)).toBe(true), { timeout: 10_000 })
    expect(calls).toEqual(['page 1000', 'page 750', 'page 500', 'page 250', 'page 0'])
  })

  it('sends a new, whole session at once, before anything sent after it', () => {
    void updateSession('fresh', [{ type: 'created', document: completion('fresh', 3) }])
    // Synchronously: a run's generate request, sent next, must find the session made.
    expect(calls).toEqual(['update created'])
  })

  it('holds a new session made of tokens still missing their alternatives until they come, in order', async () => {
    const doc = await openFromHost('long')
    const copy = { ...doc, id: 'copy' }
    const first = updateSession('copy', [{ type: 'created', document: copy }])
    const second = updateSession('copy', [{ type: 'renamed', title: 'Copy', now: at }])
    expect(calls.filter((c) => c.startsWith('update'))).toEqual([])
    await Promise.all([first, second])
    expect(calls.filter((c) => c.startsWith('update'))).toEqual([
      'update created',
      'update renamed',
    ])
    const created = sent[0]?.intents[0]
    expect(created?.type === 'created' && created.document.nodes[1]?.run?.tokens).toEqual(
      whole.nodes[1]!.run!.tokens,
    )
  })

  it('leaves a token it cannot read missing, and reads it once the host has it again', async () => {
    const doc = await openFromHost('long')
    const last = doc.nodes[1]!.run!.tokens.at(-1)!
    hosted = storedDocument({ ...whole, nodes: whole.nodes.slice(0, 1) })
    await expect(fillTokens([last])).rejects.toMatchObject({ message: 'No such run.' })
    expect(isFilled(last)).toBe(false)
    hosted = storedDocument(whole)
    await fillTokens([last])
    expect(last.alternatives).toEqual(whole.nodes[1]!.run!.tokens.at(-1)!.alternatives)
  })
})
