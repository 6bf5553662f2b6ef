import type { Paragraph, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'

/** A piece of a long paragraph that is still being written, parsed on its own. */
export interface MarkdownPart {
  node: Paragraph
  /** Where the piece starts in the reply: its node's offsets count from here. */
  base: number
}

/** One top-level block of a reply: its node, whose offsets count from `base` in the reply. */
export interface MarkdownBlock {
  node: RootContent
  base: number
  /** Stable while the block grows: where it starts in the reply. */
  key: number
  /**
   * Set on a long last paragraph while it streams: its text in the pieces it was parsed in, the
   * last one still open (`node` and `base` are the first piece's). See `markdown-parts`.
   */
  parts?: readonly MarkdownPart[]
  /** With `parts`: the text length up to which no piece could be settled. */
  settleAfter?: number
}

export interface ParsedMarkdown {
  text: string
  blocks: MarkdownBlock[]
  /** Parsed in one go, not block by block. */
  whole: boolean
}

// Built once: a parse per batch should not build the GFM syntax again each time.
const options = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }

/** Parses `text` (which starts at `base` in the reply) into its top-level blocks. */
export function parseMarkdown(text: string, base = 0): MarkdownBlock[] {
  const root = fromMarkdown(text, options)
  return root.children
    .filter((node) => node.type !== 'definition')
    .map((node) => ({ node, base, key: base + (node.position?.start.offset ?? 0) }))
}
