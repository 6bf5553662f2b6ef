import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { TokenBatcher } from '../../src/main/engine/token-batcher'
import { fakeToken } from '../helpers/session-fixture'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

/** Each batch as the tokens' positions (fakeToken(i) has id 100 + i). */
const ids = (batches: GeneratedToken[][]) => batches.map((batch) => batch.map((t) => t.id - 100))

describe('TokenBatcher', () => {
  it('hands the first token on at once, then the next ones together every interval', () => {
    const batches: GeneratedToken[][] = []
    const batcher = new TokenBatcher((tokens) => batches.push(tokens), 16)
    batcher.push(fakeToken(1, 2))
    expect(ids(batches)).toEqual([[1]])

    batcher.push(fakeToken(2, 2))
    batcher.push(fakeToken(3, 2))
    vi.advanceTimersByTime(15)
    expect(ids(batches)).toEqual([[1]])
    vi.advanceTimersByTime(1)
    expect(ids(batches)).toEqual([[1], [2, 3]])

    batcher.push(fakeToken(4, 2))
    batcher.flush()
    expect(ids(batches)).toEqual([[1], [2, 3], [4]])
    vi.advanceTimersByTime(100)
    expect(batches).toHaveLength(3)
  })
})
