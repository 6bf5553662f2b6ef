import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, TokenCandidate } from '../../src/shared/contract'
import { fillFromPage } from '../../src/shared/session-pages'
import { createHeldCandidates } from '../../src/main/host/held-candidates'

const candidate = (id: number): TokenCandidate => ({
  id,
  text: ` t${id}`,
  logit: -id / 7,
  modelProb: 1 / (id + 2),
  samplingProb: id === 0 ? 1 : 0,
})

/** A token with 2 alternatives and `more` candidates after them. */
function token(position: number, more: number): GeneratedToken {
  return {
    ...candidate(position),
    position,
    rank: 1,
    entropyBits: 1.5,
    alternatives: [candidate(position), candidate(position + 100)],
    tailMass: 0.25,
    ...(more > 0 && {
      moreCandidates: Array.from({ length: more }, (_, k) => candidate(position + 200 + k)),
    }),
  }
}

const tokensEvent = (runId: string, tokens: GeneratedToken[]): RunEvent => ({
  kind: 'tokens',
  runId,
  tokens,
  contextUsed: tokens.length,
  stats: {
    promptTokens: 3,
    reusedPromptTokens: 0,
    evaluatedTokens: 3 + tokens.length,
    generatedTokens: tokens.length,
    timeToFirstTokenMs: 5,
    tokensPerSecond: null,
  },
})

function streamed(event: RunEvent): GeneratedToken[] {
  if (event.kind !== 'tokens') throw new Error('not a tokens event')
  return event.tokens
}

describe('candidates the host holds back from the stream', () => {
  it('streams a recorded run without its Lab candidates and reads them back whole', () => {
    const held = createHeldCandidates((runId) => runId === 'recorded')
    const first = [token(0, 3), token(1, 0)]
    const second = [token(2, 5)]
    const sent = [
      ...streamed(held.forClients(tokensEvent('recorded', first))),
      ...streamed(held.forClients(tokensEvent('recorded', second))),
    ]
    expect(sent.map((t) => t.moreCandidates)).toEqual([undefined, undefined, undefined])
    expect(sent.map((t) => t.heldCandidates)).toEqual([3, undefined, 5])
    // The tokens the recorder saw are left as they were.
    expect(first[0]!.moreCandidates).toHaveLength(3)

    const page = held.read({ runId: 'recorded', from: 0, to: 3 })
    fillFromPage(sent, page)
    expect(sent).toEqual(
      [...first, ...second].map((t) =>
        t.moreCandidates ? { ...t, heldCandidates: t.moreCandidates.length } : t,
      ),
    )
  })

  it('sends a run that is not recorded whole, and holds nothing of it', () => {
    const held = createHeldCandidates(() => false)
    const event = tokensEvent('learn', [token(0, 4)])
    expect(held.forClients(event)).toBe(event)
    expect(() => held.read({ runId: 'learn', from: 0, to: 1 })).toThrow(/no longer holds/)
  })

  it('lets the oldest runs go past its limit, and sends a run too big for it whole', () => {
    // Each token counts 1 + 2 alternatives + its candidates: 1 + 2 + 7 = 10.
    const held = createHeldCandidates(() => true, 25)
    held.forClients(tokensEvent('old', [token(0, 7)]))
    held.forClients(tokensEvent('middle', [token(0, 7)]))
    held.forClients(tokensEvent('new', [token(0, 7)]))
    expect(() => held.read({ runId: 'old', from: 0, to: 1 })).toThrow(/no longer holds/)
    expect(held.read({ runId: 'new', from: 0, to: 1 }).more).toEqual([7])

    const huge = tokensEvent('huge', [token(0, 30)])
    expect(held.forClients(huge)).toBe(huge)
    // The tokens it held before it outgrew the limit stay readable; the rest come whole.
    const grows = createHeldCandidates(() => true, 25)
    const kept = streamed(grows.forClients(tokensEvent('grows', [token(0, 7)])))
    expect(kept[0]!.heldCandidates).toBe(7)
    const whole = tokensEvent('grows', [token(1, 7), token(2, 7)])
    expect(grows.forClients(whole)).toBe(whole)
    expect(grows.read({ runId: 'grows', from: 0, to: 1 }).more).toEqual([7])
  })

  it('refuses a malformed request with a clear error', () => {
    const held = createHeldCandidates(() => true)
    for (const request of [
      null,
      { runId: 'r', from: 2, to: 1 },
      { runId: 'bad id!', from: 0, to: 1 },
    ])
      expect(() => held.read(request)).toThrow(/candidates request is not valid/)
  })
})
