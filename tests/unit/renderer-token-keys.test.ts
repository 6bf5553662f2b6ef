import { describe, expect, it } from 'vitest'
import { tokenAfterKey } from '../../src/renderer/src/lib/token-keys'

describe('moving the selected token with the keyboard', () => {
  it('steps within the range, and enters it from its end or its start', () => {
    expect(tokenAfterKey('ArrowRight', 4, 2, 6)).toBe(5)
    expect(tokenAfterKey('ArrowRight', 6, 2, 6)).toBe(6)
    expect(tokenAfterKey('ArrowLeft', 2, 2, 6)).toBe(2)
    expect(tokenAfterKey('ArrowRight', null, 2, 6)).toBe(2)
    expect(tokenAfterKey('ArrowLeft', 40, 2, 6)).toBe(6)
    expect(tokenAfterKey('Home', 4, 2, 6)).toBe(2)
    expect(tokenAfterKey('End', 4, 2, 6)).toBe(6)
  })

  it('gives nothing for other keys or an empty range', () => {
    expect(tokenAfterKey('Enter', 4, 2, 6)).toBeNull()
    expect(tokenAfterKey('Home', null, 3, 2)).toBeNull()
  })
})
