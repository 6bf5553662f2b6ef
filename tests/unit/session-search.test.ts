import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionSearch } from '../../src/main/host/session-search'
import { createSessionStore } from '../../src/main/host/session-store'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import type { SessionDocument, SessionNode } from '../../src/shared/sessions'

const at = '2026-11-22T10:00:00.000Z'

function node(id: string, role: SessionNode['role'], text: string): SessionNode {
  return { id, parentId: null, role, text, run: null, createdAt: at }
}

function doc(id: string, title: string, nodes: SessionNode[], updatedAt = at): SessionDocument {
  return {
    schemaVersion: 3,
    id,
    title,
    kind: 'chat',
    createdAt: at,
    updatedAt,
    system: 'Be brief.',
    model: null,
    settings: { sampling: defaultSampling, maxTokens: 16, topN: 10 },
    nodes,
    currentLeafId: null,
  }
}

async function storeWith(...docs: SessionDocument[]) {
  const store = createSessionStore({ directory: mkdtempSync(join(tmpdir(), 'ts-search-')) })
  for (const d of docs)
    await store.updateSession({ id: d.id, intents: [{ type: 'created', document: d }] })
  return { store, search: createSessionSearch(store) }
}

describe('session search on the host', () => {
  it("finds a chat by a word of its reply, with the word's place in the excerpt", async () => {
    const { store, search } = await storeWith(
      doc('a', 'Tokens', [node('u', 'user', 'What is a token?')]),
      doc('b', 'Sampling', [
        node('u', 'user', 'Tell me'),
        node('r', 'assistant', 'The temperature divides the logits before the softmax.'),
      ]),
    )
    const [hit, ...rest] = await search({ query: 'SOFTMAX' })
    expect(rest).toEqual([])
    expect(hit).toMatchObject({ id: 'b', field: 'output' })
    expect(hit?.excerpt.slice(hit.start, hit.start + hit.length)).toBe('softmax')
    await store.close()
  })

  it('needs every word, in any field; a title hit has no excerpt', async () => {
    const { store, search } = await storeWith(
      doc('a', 'Tokens', [node('u', 'user', 'What is a token?')]),
    )
    expect(await search({ query: 'tokens what' })).toEqual([
      { id: 'a', field: 'title', excerpt: '', start: 0, length: 0 },
    ])
    expect(await search({ query: 'tokens banana' })).toEqual([])
    expect(await search({ query: '   ' })).toEqual([])
    await store.close()
  })

  it('cuts a long text to the words around the hit', async () => {
    const long = `${'a '.repeat(100)}needle${' b'.repeat(100)}`
    const { store, search } = await storeWith(doc('a', '', [node('u', 'user', long)]))
    const [hit] = await search({ query: 'needle' })
    expect(hit?.excerpt.length).toBeLessThan(100)
    expect(hit?.excerpt.startsWith('…') && hit.excerpt.endsWith('…')).toBe(true)
    await store.close()
  })

  it('refuses a malformed request', async () => {
    const { store, search } = await storeWith()
    const error = await search({ query: 'x'.repeat(201) }).catch((e: unknown) => toAppError(e))
    expect(error).toMatchObject({ code: 'invalid-request' })
    await store.close()
  })
})
