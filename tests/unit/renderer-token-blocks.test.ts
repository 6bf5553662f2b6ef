import { describe, expect, it } from 'vitest'
import {
  lineHeight,
  sameSlices,
  streamBlocks,
  type StreamBlock,
} from '../../src/renderer/src/components/token-blocks'
import { appendToChunks, chunkSize, toChunks } from '../../src/renderer/src/stores/token-chunks'

interface T {
  text: string
}
const tokens = (...texts: string[]): T[] => texts.map((text) => ({ text }))

/** The texts of a block, in order: prompt then generated. */
function texts(block: StreamBlock<T, T>): string[] {
  return [...block.prompt, ...block.generated].flatMap((s) =>
    s.items.slice(s.from, s.to).map((t) => t.text),
  )
}

describe('stream blocks', () => {
  it('ends a block after each token that ends a line, the prompt flowing into the output', () => {
    const prompt = toChunks(tokens('Once', ' upon'))
    const generated = toChunks(tokens(' a', ' time.\n', '\n', 'The', ' end'))
    const blocks = streamBlocks(prompt, 0, generated)
    expect(blocks.map(texts)).toEqual([
      [`Once`, ' upon', ' a', ' time.\n'],
      ['\n'],
      ['The', ' end'],
    ])
    expect(blocks.map((b) => [b.key, b.first, b.end])).toEqual([
      ['p0', 0, 2],
      ['g2', 2, 3],
      ['g3', 3, 5],
    ])
  })

  it('keeps the keys and slices of finished blocks while tokens stream in', () => {
    let chunks = toChunks(tokens('a\n'))
    const lines = Array.from({ length: 3 * chunkSize }, (_, i) => (i % 10 === 9 ? 'x\n' : 'x'))
    const before = streamBlocks([], 0, chunks)
    for (const text of lines) chunks = appendToChunks(chunks, tokens(text))
    const after = streamBlocks([], 0, chunks)
    expect(after[0]?.key).toBe(before[0]?.key)
    const grown = streamBlocks([], 0, appendToChunks(chunks, tokens('y')))
    expect(grown.length).toBe(after.length)
    // Every block but the last, still open one, draws the very same slices.
    after.slice(0, -1).forEach((block, i) => {
      const same = grown[i]
      expect(same?.key).toBe(block.key)
      expect(same && sameSlices(same.generated, block.generated)).toBe(true)
    })
    expect(texts(grown[grown.length - 1] as StreamBlock<T, T>).at(-1)).toBe('y')
    // Blocks cover every generated token exactly once, in order.
    const covered = grown.flatMap((b) => texts(b))
    expect(covered.length).toBe(1 + lines.length + 1)
    expect(grown.every((b, i) => i === 0 || b.first === grown[i - 1]?.end)).toBe(true)
  })

  it('splits slices at chunk edges and numbers tokens from the first chunk shown', () => {
    const prompt = toChunks(tokens(...Array.from({ length: chunkSize * 2 }, () => 'p')))
    const blocks = streamBlocks(prompt.slice(1), 1, [])
    expect(blocks).toHaveLength(1)
    expect(blocks[0]?.key).toBe(`p${chunkSize}`)
    expect(blocks[0]?.prompt.map((s) => s.start)).toEqual([chunkSize])
  })

  it('gives an empty stream one empty block, for the caret', () => {
    const blocks = streamBlocks<T, T>([], 0, [])
    expect(blocks).toHaveLength(1)
    expect(blocks[0]).toMatchObject({ first: 0, end: 0, prompt: [], generated: [] })
  })

  it('estimates taller placeholders for longer blocks and blank lines', () => {
    const short = streamBlocks([], 0, toChunks(tokens('a\n')))[0]
    const blank = streamBlocks([], 0, toChunks(tokens('a\n\n')))[0]
    const long = streamBlocks(
      [],
      0,
      toChunks(tokens(...Array.from({ length: 60 }, () => ' word'))),
    )[0]
    expect(short?.estimatedHeight).toBeGreaterThan(0)
    expect(blank?.estimatedHeight).toBeGreaterThan(short?.estimatedHeight ?? 0)
    expect(long?.estimatedHeight).toBeGreaterThan(short?.estimatedHeight ?? 0)
  })

  it('also ends blocks before the given line starts, inside a paragraph and across chunks', () => {
    const words = Array.from({ length: chunkSize + 20 }, (_, i) => (i === 9 ? 'w.\n' : ' w'))
    const generated = toChunks(tokens(...words))
    const plain = streamBlocks([], 0, generated)
    expect(plain.map((b) => [b.first, b.end])).toEqual([
      [0, 10],
      [10, chunkSize + 20],
    ])
    // 10 already starts a line after a line break; it does not make an empty block.
    const split = streamBlocks([], 0, generated, undefined, [4, 10, chunkSize, chunkSize + 7])
    expect(split.map((b) => [b.key, b.first, b.end])).toEqual([
      ['g0', 0, 4],
      ['g4', 4, 10],
      ['g10', 10, chunkSize],
      [`g${chunkSize}`, chunkSize, chunkSize + 7],
      [`g${chunkSize + 7}`, chunkSize + 7, chunkSize + 20],
    ])
    // The blank line stays with the line break; a soft split draws no blank line.
    expect(split.flatMap(texts)).toEqual(words)
    expect([split[0]?.estimatedHeight, split[3]?.estimatedHeight]).toEqual([lineHeight, lineHeight])
  })

  it('keeps the prompt in the first block when the first generated token starts a line', () => {
    const prompt = toChunks(tokens('Once', ' upon'))
    const blocks = streamBlocks(prompt, 0, toChunks(tokens(' a', ' time')), undefined, [0])
    expect(blocks.map(texts)).toEqual([
      ['Once', ' upon'],
      [' a', ' time'],
    ])
  })
})
