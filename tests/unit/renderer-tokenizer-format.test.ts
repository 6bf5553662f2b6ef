import { describe, expect, it } from 'vitest'
import {
  bytesOf,
  countsOf,
  hex,
  visibleText,
} from '../../src/renderer/src/views/learn/tokenizer-format'

describe('the tokenizer view', () => {
  it('shows whitespace and control characters', () => {
    expect(visibleText(' the')).toBe('·the')
    expect(visibleText('\n\n')).toBe('↵↵')
    expect(visibleText('\ta\r')).toBe('→a␍')
    expect(visibleText('\u0001')).toBe('\\u0001')
    expect(visibleText('')).toBe('∅')
  })

  it('reads bytes from the engine where the text hides them', () => {
    expect(hex(bytesOf({ id: 1, text: 'é' }))).toBe('c3 a9')
    expect(hex(bytesOf({ id: 2, text: '\ufffd', bytes: [0xe6] }))).toBe('e6')
  })

  it('counts characters as people see them', () => {
    const tokens = [
      { id: 1, text: '🙂' },
      { id: 2, text: ' hi' },
      { id: 3, text: '<|im_end|>', special: true },
    ]
    expect(countsOf('🙂 hi<|im_end|>', tokens)).toEqual({
      characters: 14,
      tokens: 3,
      perToken: 14 / 3,
      special: 1,
    })
    expect(countsOf('', []).perToken).toBeNull()
  })
})
