import { afterEach, describe, expect, it, vi } from 'vitest'
import type { RootContent } from 'mdast'
import { highlightSegments } from '../../src/renderer/src/lib/highlight'
import { parseMarkdown } from '../../src/renderer/src/lib/markdown-blocks'
import { warmMarkdownWhenIdle, warmUpSample } from '../../src/renderer/src/lib/markdown-warm-up'

/** Every node type in `nodes` and below. */
function typesIn(nodes: readonly RootContent[], into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    into.add(node.type)
    if ('children' in node) typesIn(node.children as RootContent[], into)
  }
  return into
}

afterEach(() => vi.unstubAllGlobals())

describe('warming the Markdown code up while the page is idle', () => {
  it('runs every construct a reply tends to hold through the parser and the highlighter', () => {
    const blocks = parseMarkdown(warmUpSample)
    const types = typesIn(blocks.map((b) => b.node))
    for (const type of ['heading', 'paragraph', 'strong', 'emphasis', 'inlineCode', 'link'])
      expect(types).toContain(type)
    for (const type of ['code', 'list', 'listItem', 'blockquote', 'table', 'tableCell'])
      expect(types).toContain(type)
    const code = blocks.map((b) => b.node).find((node) => node.type === 'code')
    // The language is one the highlighter knows: its tokenizer runs, not the plain fallback.
    expect(code && highlightSegments(code.value, code.lang).length).toBeGreaterThan(5)
  })

  it('asks for one idle moment, however often it is called, and parses in it', () => {
    const idle: (() => void)[] = []
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => idle.push(callback))
    warmMarkdownWhenIdle()
    warmMarkdownWhenIdle()
    expect(idle).toHaveLength(1)
    expect(() => idle[0]!()).not.toThrow()
  })
})
