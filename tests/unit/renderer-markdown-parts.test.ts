import { describe, expect, it } from 'vitest'
import { parseMarkdown, type ParsedMarkdown } from '../../src/renderer/src/lib/markdown-blocks'
import { parseFor, parseIncremental } from '../../src/renderer/src/lib/markdown-parse'
import { sameRendering } from '../../src/renderer/src/lib/markdown-signature'

/** Streams `text` in batches of `size` characters; `each` sees every parse. */
function stream(text: string, size: number, each: (parsed: ParsedMarkdown) => void) {
  let parsed: ParsedMarkdown | null = null
  for (let end = size; end < text.length + size; end += size) {
    parsed = parseIncremental(parsed, text.slice(0, Math.min(end, text.length)))
    each(parsed)
  }
  return parsed
}

let checks = 0

/** Every block of a streamed parse draws what the whole parse of the same text draws. */
function expectSameAsWhole(parsed: ParsedMarkdown) {
  // A whole parse per batch would make the test slow; every fifth batch is checked.
  if (checks++ % 5 !== 0) return
  const whole = parseMarkdown(parsed.text)
  expect(parsed.blocks.map((b) => b.key)).toEqual(whole.map((b) => b.key))
  parsed.blocks.forEach((block, i) => {
    const other = whole[i]
    expect(other && sameRendering(block, other)).toBe(true)
  })
}

const longParagraph =
  'Intro line. ' +
  Array.from({ length: 300 }, (_, i) =>
    i % 7 === 3
      ? `the *model* said \`x${i}\` and [a link](https://example.com/${i}) `
      : 'the model is ',
  ).join('')

describe('a long paragraph while it streams', () => {
  it('is parsed in pieces, each drawn as the whole parse draws it', () => {
    let most = 0
    const parsed = stream(longParagraph, 5, (p) => {
      expectSameAsWhole(p)
      const last = p.blocks[p.blocks.length - 1]
      const open = last?.parts?.[last.parts.length - 1]
      if (open) most = Math.max(most, p.text.length - open.base)
    })
    checks = 0
    if (parsed) expectSameAsWhole(parsed)
    const parts = parsed?.blocks[0]?.parts ?? []
    expect(parts.length).toBeGreaterThan(3)
    // Each batch parses the open piece only, never the whole paragraph again.
    expect(most).toBeLessThan(800)
  })

  it('does not settle a piece inside markup that is still open', () => {
    const open = 'Start *this emphasis runs on ' + 'and on '.repeat(400) + 'until here* and ends.'
    const parsed = stream(open, 7, expectSameAsWhole)
    expect(parsed?.blocks[0]?.node.type).toBe('paragraph')
    checks = 0
    if (parsed) expectSameAsWhole(parsed)
  })

  it('becomes a heading when an underline follows, and gives way to the next block', () => {
    const heading = stream(longParagraph + '\n---\n', 9, () => undefined)
    expect(heading?.blocks.map((b) => b.node.type)).toEqual(['heading'])
    const seen: { paragraph?: ParsedMarkdown } = {}
    const next = stream(longParagraph + '\n\n- an item', 9, (p) => {
      if (p.blocks.length === 1) seen.paragraph = p
    })
    // The paragraph that ended keeps its settled pieces (and so their drawing).
    const ended = next?.blocks[0]?.parts ?? []
    expect(ended.length).toBeGreaterThan(3)
    expect(ended[0]).toBe(seen.paragraph?.blocks[0]?.parts?.[0])
    checks = 0
    if (next) expectSameAsWhole(next)
    expect(next?.blocks.map((b) => b.node.type)).toEqual(['paragraph', 'list'])
  })

  it('keeps its streamed blocks once the finished reply is parsed whole', () => {
    let streamed: ParsedMarkdown | null = null
    for (let end = 8; end < longParagraph.length + 8; end += 8)
      streamed = parseFor('parts-test', longParagraph.slice(0, end), true)
    const finished = parseFor('parts-test', longParagraph, false)
    expect(finished.whole).toBe(true)
    expect(finished.blocks[0]).toBe(streamed?.blocks[0])
  })

  it('keeps its settled pieces when the last batch comes with the end of the run', () => {
    let streamed: ParsedMarkdown | null = null
    const end = longParagraph.length - 20
    for (let at = 8; at < end; at += 8)
      streamed = parseFor('end-test', longParagraph.slice(0, at), true)
    const finished = parseFor('end-test', longParagraph, false)
    expect(finished.whole).toBe(true)
    const pieces = streamed?.blocks[0]?.parts ?? []
    expect(pieces.length).toBeGreaterThan(3)
    // Every settled piece is the same object, so only the open one is drawn again.
    expect(finished.blocks[0]?.parts?.slice(0, -1)).toEqual(pieces.slice(0, -1))
    finished.blocks[0]?.parts?.slice(0, -1).forEach((part, i) => expect(part).toBe(pieces[i]))
  })
})

describe('a view drawn again with an older text', () => {
  it('gets the blocks it drew before, and the newer text still grows from its own parse', () => {
    // React may draw the text on screen again after a deferred render of a newer one was
    // interrupted: that must not parse the whole reply again and draw every token anew.
    const key = 'older-text-test'
    let shown: ParsedMarkdown | null = null
    for (let end = 8; end <= 2000; end += 8)
      shown = parseFor(key, longParagraph.slice(0, end), true)
    const newer = parseFor(key, longParagraph.slice(0, 2100), true)
    const again = parseFor(key, longParagraph.slice(0, 2000), true)
    expect(again).toBe(shown)
    expect(again.blocks[0]?.parts?.length).toBeGreaterThan(3)
    const newest = parseFor(key, longParagraph.slice(0, 2200), true)
    expect(newest.whole).toBe(false)
    // Settled pieces are the newer parse's, not parsed again.
    expect(newest.blocks[0]?.parts?.[0]).toBe(newer.blocks[0]?.parts?.[0])
  })
})
