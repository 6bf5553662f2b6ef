import { describe, expect, it } from 'vitest'
import { lineGroups, sameGroup } from '../../src/renderer/src/lib/line-groups'
import {
  parseMarkdown,
  type MarkdownPart,
  type ParsedMarkdown,
} from '../../src/renderer/src/lib/markdown-blocks'
import { parseIncremental } from '../../src/renderer/src/lib/markdown-parse'
import { sameRendering } from '../../src/renderer/src/lib/markdown-signature'

function part(base: number): MarkdownPart {
  return { base, node: { type: 'paragraph', children: [] } }
}

describe('line groups of a paragraph streamed in pieces', () => {
  const parts = [part(0), part(300), part(610), part(900), part(1200)]

  it('are one group when no line start is known', () => {
    const groups = lineGroups(parts, [])
    expect(groups.map((g) => g.key)).toEqual([0])
    expect(groups[0]?.parts).toEqual(parts)
  })

  it('start a new group at each piece that begins where a line began', () => {
    // 610 and 1200 begin lines; 450 and 1000 do too but are no piece's start.
    const groups = lineGroups(parts, [100, 450, 610, 700, 1000, 1200])
    expect(groups.map((g) => g.parts.map((p) => p.base))).toEqual([[0, 300], [610, 900], [1200]])
    // Lines each was seen to hold: its first, and every start inside it.
    expect(groups.map((g) => g.lines)).toEqual([3, 3, 1])
  })

  it('compare equal while they hold the same pieces', () => {
    const a = lineGroups(parts, [610])
    const b = lineGroups([...parts], [610])
    expect(sameGroup(a[0]!, b[0]!)).toBe(true)
    expect(sameGroup(a[1]!, lineGroups([...parts, part(1500)], [610])[1]!)).toBe(false)
  })
})

const paragraph = 'Intro words. ' + 'the model is '.repeat(400)

/** Where a view this wide would start lines: the space before the word that passes `width`. */
function wrapAt(text: string, width: number): number[] {
  const starts: number[] = []
  let lineStart = 0
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) {
    const next = text.indexOf(' ', at + 1)
    if ((next === -1 ? text.length : next) - lineStart > width) {
      starts.push(at)
      lineStart = at + 1
    }
  }
  return starts
}

describe('a streaming paragraph told where its lines start', () => {
  it('ends its pieces there, and each piece still draws what the whole parse draws', () => {
    const lines = wrapAt(paragraph, 90)
    let parsed: ParsedMarkdown | null = null
    for (let end = 6; end < paragraph.length + 6; end += 6) {
      const text = paragraph.slice(0, Math.min(end, paragraph.length))
      // Only lines above the text's last one are known, as in the view.
      parsed = parseIncremental(
        parsed,
        text,
        lines.filter((at) => at < text.length - 90),
      )
    }
    const block = parsed?.blocks[0]
    const bases = (block?.parts ?? []).slice(1).map((p) => p.base)
    expect(bases.length).toBeGreaterThan(5)
    for (const base of bases) expect(lines).toContain(base)
    const whole = parseMarkdown(paragraph)[0]
    expect(block && whole && sameRendering(block, whole)).toBe(true)
  })
})

describe('a streaming paragraph that grows by big batches', () => {
  it('ends pieces at the line starts measured after each batch, each near the end of its text', () => {
    const lines = wrapAt(paragraph, 90)
    const measured: number[] = []
    let parsed: ParsedMarkdown | null = null
    for (let end = 300; end < paragraph.length + 900; end += 900) {
      const text = paragraph.slice(0, Math.min(end, paragraph.length))
      parsed = parseIncremental(parsed, text, [...measured])
      // Laid out, the text's last line is measured (only once the paragraph is drawn in pieces):
      // the next batch is parsed knowing it.
      const newest = lines.filter((at) => at < text.length).at(-1)
      if (parsed.blocks[0]?.parts && newest !== undefined) measured.push(newest)
    }
    const block = parsed?.blocks[0]
    const bases = (block?.parts ?? []).slice(1).map((p) => p.base)
    expect(bases.filter((base) => measured.includes(base)).length).toBeGreaterThan(3)
    const whole = parseMarkdown(paragraph)[0]
    expect(block && whole && sameRendering(block, whole)).toBe(true)
  })
})
