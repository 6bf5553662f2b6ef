import type { RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import { gfmFromMarkdown } from 'mdast-util-gfm'
import { gfm } from 'micromark-extension-gfm'

/** One top-level block of a reply: its node, whose offsets count from `base` in the reply. */
export interface MarkdownBlock {
  node: RootContent
  base: number
  /** Stable while the block grows: where it starts in the reply. */
  key: number
}

export interface ParsedMarkdown {
  text: string
  blocks: MarkdownBlock[]
  /** Parsed in one go, not block by block. */
  whole: boolean
}

/** Parses `text` (which starts at `base` in the reply) into its top-level blocks. */
export function parseMarkdown(text: string, base = 0): MarkdownBlock[] {
  const root = fromMarkdown(text, {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()],
  })
  return root.children
    .filter((node) => node.type !== 'definition')
    .map((node) => ({ node, base, key: base + (node.position?.start.offset ?? 0) }))
}

/**
 * The parse of `text`, reusing `previous` when `text` only grew: text added at the end can only
 * change the last block (a paragraph turning into a heading, a list or a code fence going on), so
 * every block before it is kept as it was (same objects, so their rendering is kept too) and
 * only the last block and the new text are parsed again. A long reply then costs a parse of its
 * last block per batch, not of the whole reply.
 */
export function parseIncremental(previous: ParsedMarkdown | null, text: string): ParsedMarkdown {
  if (previous?.text === text) return previous
  const last = previous?.blocks[previous.blocks.length - 1]
  if (!previous || !last || !text.startsWith(previous.text)) {
    return { text, blocks: parseMarkdown(text), whole: true }
  }
  const start = last.base + (last.node.position?.start.offset ?? 0)
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  return {
    text,
    blocks: [...previous.blocks.slice(0, -1), ...parseMarkdown(text.slice(lineStart), lineStart)],
    whole: false,
  }
}

const cache = new Map<string, ParsedMarkdown>()
const cacheSize = 64

/** `parseIncremental` against the last parse made for the same view (e.g. a message id). */
export function parseFor(key: string, text: string, streaming: boolean): ParsedMarkdown {
  const previous = cache.get(key) ?? null
  // A finished reply is parsed whole once, so nothing the block-wise parse guessed can stay.
  const parsed =
    streaming || previous === null
      ? parseIncremental(previous, text)
      : previous.text === text && previous.whole
        ? previous
        : { text, blocks: parseMarkdown(text), whole: true }
  cache.delete(key)
  cache.set(key, parsed)
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value ?? '')
  return parsed
}
