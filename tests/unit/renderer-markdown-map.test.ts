import type { Nodes, RootContent } from 'mdast'
import { describe, expect, it } from 'vitest'
import {
  defaultInspectorPrefs,
  inspectorPrefsReducer,
  parseInspectorPrefs,
  serializeInspectorPrefs,
} from '../../src/renderer/src/inspector/prefs'
import { highlightSegments } from '../../src/renderer/src/lib/highlight'
import {
  alignValue,
  tokenAt,
  tokenPieces,
  tokenStarts,
  withSegments,
  type Piece,
} from '../../src/renderer/src/lib/markdown-map'
import {
  parseMarkdown,
  type MarkdownBlock,
  type ParsedMarkdown,
} from '../../src/renderer/src/lib/markdown-blocks'
import { parseIncremental } from '../../src/renderer/src/lib/markdown-parse'

const reply = [
  '# Tokens',
  '',
  'A *token* is a **piece** of text; see [the docs](https://example.com/a?b=1&amp;c).',
  '',
  '- first item with `inline code`',
  '- second &amp; last\\*',
  '',
  '| name | p |',
  '| :--- | -: |',
  '| the | 0.42 |',
  '',
  '```ts',
  'const answer = 42 // the `answer`',
  '  console.log("```")',
  '```',
  '',
  '> quoted ~~text~~',
  '',
].join('\n')

/** Cuts text into pseudo tokens of 1–4 characters, as a BPE tokenizer might. */
function tokenize(text: string): string[] {
  const out: string[] = []
  for (let at = 0, n = 0; at < text.length; n++) {
    const size = 1 + ((n * 7 + 3) % 4)
    out.push(text.slice(at, at + size))
    at += size
  }
  return out
}

/** Every node that shows text, with that text. */
function shown(node: Nodes, out: { node: Nodes; value: string }[] = []) {
  if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code')
    out.push({ node, value: node.value })
  if ('children' in node) for (const child of node.children) shown(child, out)
  return out
}

function piecesFor(source: string, starts: number[], block: MarkdownBlock): Piece[] {
  return shown(block.node).flatMap(({ node, value }) => {
    const from = block.base + (node.position?.start.offset ?? 0)
    const to = block.base + (node.position?.end.offset ?? 0)
    // A fenced block's code starts after its fence line, a code span's after its backticks.
    const start =
      node.type === 'code'
        ? source.indexOf('\n', from) + 1
        : node.type === 'inlineCode'
          ? from + 1
          : from
    return tokenPieces(value, alignValue(source, start, to, value), starts)
  })
}

describe('token ↔ Markdown mapping', () => {
  it('finds the token of each character, empty tokens owning none', () => {
    const starts = tokenStarts(['ab', '', 'c', 'de'])
    expect(starts).toEqual([0, 2, 2, 3, 5])
    expect([0, 1, 2, 3, 4].map((o) => tokenAt(starts, o))).toEqual([0, 0, 2, 3, 3])
    expect(tokenAt([0], 0)).toBe(-1)
  })

  it('aligns shown text with its source around markup, escapes and entities', () => {
    const source = 'a \\*b\\* &amp; c'
    const offsets = alignValue(source, 0, source.length, 'a *b* & c')
    expect(offsets).toEqual([0, 1, 3, 4, 6, 7, 8, 13, 14])
  })

  it('maps every shown character of a reply back to the token that wrote it', () => {
    const texts = tokenize(reply)
    const starts = tokenStarts(texts)
    const pieces = parseMarkdown(reply).flatMap((block) => piecesFor(reply, starts, block))
    expect(pieces.length).toBeGreaterThan(20)
    for (const piece of pieces) {
      const token = texts[piece.token] ?? ''
      const start = starts[piece.token] ?? 0
      // The piece lies inside its token, and (escapes aside) is exactly the source there.
      expect(piece.src).toBeGreaterThanOrEqual(start)
      expect(piece.src + piece.text.length).toBeLessThanOrEqual(start + token.length)
      if (piece.text !== '&' && piece.text !== '*')
        expect(reply.slice(piece.src, piece.src + piece.text.length)).toBe(piece.text)
    }
    const code = pieces.filter((p) => reply.slice(0, p.src).includes('```ts\n'))
    expect(code.map((p) => p.text).join('')).toContain('const answer = 42 // the `answer`')
  })

  it('cuts pieces again where the highlighter changes class, keeping tokens and offsets', () => {
    const code = 'const x = "hi"'
    const texts = ['con', 'st x', ' = "', 'hi"']
    const pieces = tokenPieces(code, alignValue(code, 0, code.length, code), tokenStarts(texts))
    const cut = withSegments(pieces, highlightSegments(code, 'ts'))
    expect(cut.map((p) => p.text).join('')).toBe(code)
    for (const p of cut) expect(code.slice(p.src, p.src + p.text.length)).toBe(p.text)
    const keyword = cut.filter((p) => p.className?.includes('hljs-keyword'))
    expect(keyword.map((p) => [p.text, p.token])).toEqual([
      ['con', 0],
      ['st', 1],
    ])
    expect(cut.find((p) => p.text === '"hi"' || p.text === 'hi"')?.className).toContain('string')
    expect(highlightSegments('plain', 'cobol')).toEqual([{ text: 'plain', className: '' }])
  })
})

/** A block's node with offsets counted from the start of the reply, positions otherwise gone. */
function absolute(block: MarkdownBlock): unknown {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (!node || typeof node !== 'object') return node
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if (key === 'position') {
        const p = value as RootContent['position']
        out.from = block.base + (p?.start.offset ?? 0)
        out.to = block.base + (p?.end.offset ?? 0)
      } else out[key] = walk(value)
    }
    return out
  }
  return walk(block.node)
}

describe('incremental parse while a reply streams', () => {
  it('ends, batch after batch, with the same blocks as one parse of the whole reply', () => {
    const texts = tokenize(reply)
    for (const batch of [1, 3, 16]) {
      let parsed: ParsedMarkdown | null = null
      let text = ''
      for (let i = 0; i < texts.length; i += batch) {
        text += texts.slice(i, i + batch).join('')
        parsed = parseIncremental(parsed, text)
        expect(parsed.blocks.map(absolute)).toEqual(parseMarkdown(text).map(absolute))
      }
      expect(parsed?.text).toBe(reply)
    }
  })

  it('keeps the blocks before the last one as they were, and starts over on other text', () => {
    const first = parseIncremental(null, 'Para one.\n\nPara two')
    const next = parseIncremental(first, 'Para one.\n\nPara two goes on.\n\n- a')
    expect(next.blocks[0]).toBe(first.blocks[0])
    expect(next.blocks.map((b) => b.node.type)).toEqual(['paragraph', 'paragraph', 'list'])
    const other = parseIncremental(next, 'Something else')
    expect(other.blocks[0]).not.toBe(first.blocks[0])
    expect(other.whole).toBe(true)
  })
})

describe('the reply view preference', () => {
  it('is Markdown unless Tokens was chosen, and survives a save', () => {
    expect(parseInspectorPrefs(null).replyView).toBe('markdown')
    expect(parseInspectorPrefs('{"replyView":"chips"}').replyView).toBe('markdown')
    const chosen = inspectorPrefsReducer(defaultInspectorPrefs, {
      type: 'replyView',
      view: 'tokens',
    })
    expect(parseInspectorPrefs(serializeInspectorPrefs(chosen)).replyView).toBe('tokens')
  })
})
