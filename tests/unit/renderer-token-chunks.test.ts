import { describe, expect, it } from 'vitest'
import {
  appendToChunks,
  chunkedItemAt,
  countChunked,
  toChunks,
} from '../../src/renderer/src/stores/token-chunks'

describe('token chunks', () => {
  it('appends across chunk boundaries', () => {
    const a = appendToChunks([], [1, 2, 3], 2)
    expect(a).toEqual([[1, 2], [3]])
    const b = appendToChunks(a, [4, 5, 6], 2)
    expect(b).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(b[0]).toBe(a[0])
    expect(countChunked(b, 2)).toBe(6)
    expect(chunkedItemAt(b, 4, 2)).toBe(5)
    expect(chunkedItemAt(b, 6, 2)).toBeUndefined()
    expect(chunkedItemAt(b, -1, 2)).toBeUndefined()
  })

  it('never copies a full chunk', () => {
    const full = toChunks([1, 2], 2)
    const next = appendToChunks(full, [3], 2)
    expect(next[0]).toBe(full[0])
    expect(next).toEqual([[1, 2], [3]])
  })

  it('returns the same list when nothing is added', () => {
    const chunks = toChunks([1], 2)
    expect(appendToChunks(chunks, [], 2)).toBe(chunks)
    expect(countChunked([], 2)).toBe(0)
  })
})
