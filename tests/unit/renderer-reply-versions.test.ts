import { describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { newSession } from '../../src/shared/conversation'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument, SessionNode } from '../../src/shared/sessions'
import { versionIdsAt, versionWith } from '../../src/renderer/src/views/chat/reply-versions'

const now = '2026-12-02T00:00:00.000Z'

function token(id: number): GeneratedToken {
  return {
    id,
    text: `t${id}`,
    logit: 0,
    modelProb: 0.5,
    samplingProb: 0.5,
    position: id,
    rank: 1,
    entropyBits: 1,
    alternatives: [],
    tailMass: 0,
  }
}

function reply(id: string, ids: number[]): SessionNode {
  return {
    id,
    parentId: 'u1',
    role: 'assistant',
    text: '',
    createdAt: now,
    run: {
      prompt: [],
      tokens: ids.map(token),
      stopReason: 'end-of-generation',
      sampling: defaultSampling,
      tokensPerSecond: null,
      timeToFirstTokenMs: null,
    },
  }
}

function chat(...replies: SessionNode[]): SessionDocument {
  const base = newSession({
    id: 's1',
    kind: 'chat',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 64, topN: 10 },
    now,
  })
  const user: SessionNode = {
    id: 'u1',
    parentId: null,
    role: 'user',
    text: 'hi',
    run: null,
    createdAt: now,
  }
  return { ...base, nodes: [user, ...replies], currentLeafId: replies[0]?.id ?? null }
}

describe("a chat reply's versions", () => {
  const doc = chat(reply('a', [1, 2, 3, 4]), reply('b', [1, 2, 9, 5]), reply('c', [7, 2, 8]))

  it('finds the version that goes on from the same tokens with the picked one', () => {
    expect(versionWith(doc, 'a', 2, 9)?.id).toBe('b')
    expect(versionWith(doc, 'b', 2, 3)?.id).toBe('a')
    // At token 2 'c' has 8, but its first token differs: it is not that branch.
    expect(versionWith(doc, 'a', 2, 8)).toBeUndefined()
    expect(versionWith(doc, 'a', 0, 7)?.id).toBe('c')
    expect(versionWith(doc, 'missing', 0, 7)).toBeUndefined()
  })

  it('names the tokens that already have a version at a position', () => {
    expect([...versionIdsAt(doc, 'a', 2)].sort()).toEqual([3, 9])
    expect([...versionIdsAt(doc, 'a', 0)].sort()).toEqual([1, 7])
    expect([...versionIdsAt(doc, 'c', 3)]).toEqual([])
  })
})
