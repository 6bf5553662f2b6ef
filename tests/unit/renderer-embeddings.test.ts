import { describe, expect, it } from 'vitest'
import { parseList, readyLists } from '../../src/renderer/src/views/learn/embedding-lists'
import {
  embeddingsReducer,
  initialEmbeddings,
} from '../../src/renderer/src/views/learn/embeddings-store'

describe('the Embeddings view’s list', () => {
  it('takes one item per non-empty line, trimmed, each once', () => {
    expect(parseList(' cat \r\n\ndog\ncat\n  \nbus')).toEqual({
      items: ['cat', 'dog', 'bus'],
      problem: null,
    })
  })

  it('says what is wrong with a list that cannot be sent', () => {
    expect(parseList('cat').problem).toMatch(/at least two/)
    const many = Array.from({ length: 65 }, (_, i) => `w${i}`).join('\n')
    expect(parseList(many).problem).toMatch(/65 items; at most 64/)
    expect(parseList(`cat\n${'x'.repeat(201)}`).problem).toMatch(/longer than 200/)
  })

  it('ready-made lists are valid lists', () => {
    for (const list of readyLists) expect(parseList(list.items.join('\n')).problem).toBeNull()
  })
})

describe('the Embeddings store', () => {
  const part = (request: number, n: number) => ({
    type: 'part' as const,
    request,
    vectors: Array.from({ length: n }, () => [1, 0]),
    tokenCounts: Array.from({ length: n }, () => 2),
    dimensions: 2,
    pooling: 'last-token' as const,
  })

  it('collects parts in order and finishes', () => {
    let state = embeddingsReducer(initialEmbeddings, {
      type: 'started',
      items: ['a', 'b', 'c'],
      modelName: 'm',
    })
    state = embeddingsReducer(state, part(state.request, 2))
    state = embeddingsReducer(state, part(state.request, 1))
    state = embeddingsReducer(state, { type: 'finished', request: state.request })
    expect(state).toMatchObject({ phase: 'done', dimensions: 2, modelName: 'm' })
    expect(state.vectors).toHaveLength(3)
  })

  it('drops what arrives for an older request, or after Stop', () => {
    let state = embeddingsReducer(initialEmbeddings, {
      type: 'started',
      items: ['a'],
      modelName: 'm',
    })
    const first = state.request
    state = embeddingsReducer(state, { type: 'started', items: ['b', 'c'], modelName: 'm' })
    expect(embeddingsReducer(state, part(first, 1))).toBe(state)
    const current = state.request
    state = embeddingsReducer(state, part(current, 1))
    state = embeddingsReducer(state, { type: 'stopped' })
    expect(state.phase).toBe('stopped')
    expect(embeddingsReducer(state, part(current, 1))).toBe(state)
    expect(state.vectors).toHaveLength(1)
  })
})
