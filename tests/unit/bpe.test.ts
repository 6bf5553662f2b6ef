import { describe, expect, it } from 'vitest'
import {
  BYTE_TO_CHAR,
  BpeTokenizer,
  fromByteAlphabet,
  pretokenize,
  splitOnSpecialTokens,
  toByteAlphabet,
  trainBpe,
  type BpeVocabulary,
} from '../../tools/demo-model/bpe'
import { trainDemoVocabulary } from '../../tools/demo-model/build'
import { corpusText, DEMO_SPECIAL_TOKEN_LIST } from '../../tools/demo-model/corpus'

/** A vocabulary of the 256 byte tokens plus the given merges (their results appended in order). */
function handMadeVocabulary(merges: string[], specials: string[] = []): BpeVocabulary {
  const tokens = [...BYTE_TO_CHAR, ...merges.map((merge) => merge.replace(' ', ''))]
  const specialTokenIds = specials.map((special) => tokens.push(special) - 1)
  return { tokens, merges, specialTokenIds }
}

const tokenTexts = (vocabulary: BpeVocabulary, ids: number[]): string[] =>
  ids.map((id) => vocabulary.tokens[id] ?? '?')

describe('byte alphabet', () => {
  it('maps every byte to a distinct printable character, like GPT-2', () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256)
    expect(BYTE_TO_CHAR[0x20]).toBe('Ġ')
    expect(BYTE_TO_CHAR[0x0a]).toBe('Ċ')
    expect(BYTE_TO_CHAR[0x41]).toBe('A')
    expect(toByteAlphabet(' naïve')).toBe('ĠnaÃ¯ve')
    expect(new TextDecoder().decode(fromByteAlphabet(toByteAlphabet('≈ 🙂')))).toBe('≈ 🙂')
  })
})

describe('pre-tokenizer', () => {
  it('splits like the GPT-2 regex (a whitespace run leaves its last space to the next word)', () => {
    expect(pretokenize("I'm here  now, aren't we?\n\n2048 tokens!  ")).toEqual([
      'I',
      "'m",
      ' here',
      ' ',
      ' now',
      ',',
      ' aren',
      "'t",
      ' we',
      '?',
      '\n',
      '\n',
      '2048',
      ' tokens',
      '!',
      '  ',
    ])
  })

  it('cuts text at special tokens, longest first', () => {
    expect(splitOnSpecialTokens('a<|x|>b<|x|><|xy|>', ['<|x|>', '<|xy|>'])).toEqual([
      { text: 'a', isSpecial: false },
      { text: '<|x|>', isSpecial: true },
      { text: 'b', isSpecial: false },
      { text: '<|x|>', isSpecial: true },
      { text: '<|xy|>', isSpecial: true },
    ])
  })
})

describe('trainer', () => {
  it('merges the most frequent pair, breaking ties by the smaller token IDs', () => {
    // Pairs: "a b" ×5 first; then "ab ab" and "Ġ ab" tie at 2, and Ġ (ID 32) < ab (ID 256).
    const vocabulary = trainBpe('abab abab ab', { vocabSize: 258, specialTokens: [] })
    expect(vocabulary.merges).toEqual(['a b', 'Ġ ab'])
    expect(vocabulary.tokens.slice(256)).toEqual(['ab', 'Ġab'])
  })

  it('never merges across special tokens and appends specials last', () => {
    const vocabulary = trainBpe('xy<|s|>xy<|s|>xy', { vocabSize: 300, specialTokens: ['<|s|>'] })
    expect(vocabulary.merges).toEqual(['x y'])
    expect(vocabulary.tokens.at(-1)).toBe('<|s|>')
    expect(vocabulary.specialTokenIds).toEqual([vocabulary.tokens.length - 1])
  })

  it('stops below minPairCount and is deterministic', () => {
    const text = 'the cat and the hat and the bat'
    const first = trainBpe(text, { vocabSize: 400, specialTokens: [] })
    expect(first.tokens.length).toBeLessThan(400)
    expect(trainBpe(text, { vocabSize: 400, specialTokens: [] })).toEqual(first)
  })
})

describe('encoder', () => {
  it('applies the lowest-rank merge first, not the leftmost pair', () => {
    const vocabulary = handMadeVocabulary(['b c', 'a b'])
    const ids = new BpeTokenizer(vocabulary).encode('abc')
    expect(tokenTexts(vocabulary, ids)).toEqual(['a', 'bc'])
  })

  it('takes the leftmost pair when ranks tie', () => {
    const vocabulary = handMadeVocabulary(['a a'])
    expect(tokenTexts(vocabulary, new BpeTokenizer(vocabulary).encode('aaa'))).toEqual(['aa', 'a'])
  })

  it('parses special tokens only when asked', () => {
    const vocabulary = handMadeVocabulary([], ['<|end|>'])
    const tokenizer = new BpeTokenizer(vocabulary)
    const special = vocabulary.specialTokenIds[0]
    expect(tokenizer.encode('hi<|end|>', { parseSpecial: true })).toEqual([104, 105, special])
    expect(tokenizer.encode('hi<|end|>')).not.toContain(special)
    expect(tokenizer.decode(tokenizer.encode('hi<|end|>', { parseSpecial: true }))).toBe('hi')
    expect(tokenizer.decode([104, special!], { renderSpecial: true })).toBe('h<|end|>')
  })

  it('round-trips the whole corpus, with and without special-token parsing', () => {
    const tokenizer = new BpeTokenizer(trainDemoVocabulary())
    const text = corpusText()
    const withSpecials = tokenizer.encode(text, { parseSpecial: true })
    expect(tokenizer.decode(withSpecials, { renderSpecial: true })).toBe(text)
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text)
    expect(withSpecials.length).toBeLessThan(text.length / 3)
  })

  it('spells unseen and multi-byte text from byte tokens', () => {
    const tokenizer = new BpeTokenizer(trainDemoVocabulary())
    for (const text of ['Zyzzyva qux', 'naïve ≈ 🙂', '\t\r\n  \u00a0x', 'ÿ\u0000']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text)
    }
  })

  it('keeps the demo vocabulary at 2048 tokens with the specials at the end', () => {
    const vocabulary = trainDemoVocabulary()
    expect(vocabulary.tokens).toHaveLength(2048)
    expect(new Set(vocabulary.tokens).size).toBe(2048)
    expect(vocabulary.specialTokenIds.map((id) => vocabulary.tokens[id])).toEqual(
      DEMO_SPECIAL_TOKEN_LIST,
    )
  })
})
