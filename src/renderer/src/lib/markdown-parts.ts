import type { Nodes, Paragraph } from 'mdast'
import { parseMarkdown, type MarkdownBlock, type MarkdownPart } from './markdown-blocks'
import { sameRendering } from './markdown-signature'

/**
 * A long paragraph at the end of a streaming reply (a model may write thousands of tokens without
 * a blank line) is parsed in pieces: once its open piece is long, the settled text before a word
 * near its end becomes a piece of its own, parsed once and kept, so each batch parses only the
 * last piece instead of the whole paragraph. A piece may only be settled where nothing after it can
 * change how it reads: it holds no stray markup character that later text could pair with (an
 * unclosed `*`, `` ` ``, `[`, `<`…), and it ends mid-line before a space and a letter, so the next
 * piece starts as a plain paragraph line. The finished reply is parsed whole once anyway.
 */

/** An open piece longer than this gets its settled text split off. */
const settleLength = 400
/** Text this near the end is left to the open piece: markup written there may still close. */
const settleMargin = 100

/** A character that, left as plain text, could still open or close markup with later text. */
const strayMarkup = /[*_~`[\]<>&\\|]/
/** A line that can turn the lines before it into a heading or a table. */
const reinterpretingLine = /\n {0,3}[=\-|:]/

function parsePiece(text: string, base: number): Paragraph | null {
  const blocks = parseMarkdown(text.slice(base), base)
  const only = blocks.length === 1 ? blocks[0]?.node : undefined
  return only?.type === 'paragraph' ? only : null
}

/**
 * A piece after the first starts with the space its paragraph parse drops; put it back, so the
 * space is shown (and copied) like everywhere else.
 */
function keepLeadingSpace(node: Paragraph): Paragraph {
  const first = node.children[0]
  const position = first?.position
  if (first?.type === 'text' && position?.start.offset === 1) {
    first.value = ` ${first.value}`
    first.position = { ...position, start: { ...position.start, offset: 0, column: 1 } }
  } else {
    node.children.unshift({
      type: 'text',
      value: ' ',
      position: {
        start: { line: 1, column: 1, offset: 0 },
        end: { line: 1, column: 2, offset: 1 },
      },
    })
  }
  return node
}

function hasStrayMarkup(node: Nodes): boolean {
  if (node.type === 'text') return strayMarkup.test(node.value)
  return 'children' in node && node.children.some(hasStrayMarkup)
}

/** Whether a piece may end at `at`: a space before a letter, after a word. */
function canSettleAt(text: string, at: number): boolean {
  return (
    text[at] === ' ' &&
    /[\p{L}\p{N}.,;:!?'")]/u.test(text[at - 1] ?? '') &&
    /\p{L}/u.test(text[at + 1] ?? '')
  )
}

/** While the view measures line starts, an open piece this long settles where it can anyway. */
const waitLength = settleLength * 4

/**
 * Where the open piece may end: preferably the last of `lineStarts` (spaces where the view was
 * seen to start a new line: a piece that ends there can be drawn as a block of its own, see
 * `line-groups`), else the last space before a letter that follows a word. While the view
 * measures (some line start is known), that waits until the piece is `waitLength` long: the view
 * reads only the start of the text's last line, after the batch that wrote it is laid out, so a
 * big batch's line start is in the margin when it is first known, and a piece settled anywhere
 * else meanwhile would leave it behind: with batches of ~200 tokens no block ever ended.
 */
function settlePoint(text: string, from: number, lineStarts: readonly number[]): number | null {
  const first = from + settleLength / 2
  const last = text.length - settleMargin
  for (let i = lineStarts.length - 1; i >= 0; i--) {
    const at = lineStarts[i] ?? 0
    if (at <= first) break
    if (at <= last && canSettleAt(text, at)) return at
  }
  if (lineStarts.length > 0 && text.length - from < waitLength) return null
  for (let at = last; at > first; at--) if (canSettleAt(text, at)) return at
  return null
}

/** Splits the open piece when it is long and has a point where it can settle. */
function settle(block: MarkdownBlock, text: string, lineStarts: readonly number[]): MarkdownBlock {
  const parts = block.parts ?? []
  const open = parts[parts.length - 1]
  if (!open || text.length - open.base < settleLength) return block
  if (text.length < (block.settleAfter ?? 0)) return block
  const at = settlePoint(text, open.base, lineStarts)
  const settled = at === null ? null : parsePiece(text.slice(0, at), open.base)
  const next = at === null ? null : parsePiece(text, at)
  if (at === null || !settled || !next || hasStrayMarkup(settled)) {
    // Nothing to settle yet: look again once the piece has grown by half its limit.
    return { ...block, settleAfter: text.length + settleLength / 2 }
  }
  const kept = [
    ...parts.slice(0, -1),
    piece(settled, open.base, parts.length === 1),
    piece(next, at, false),
  ]
  return withParts({ ...block, settleAfter: 0 }, kept)
}

function piece(node: Paragraph, base: number, first: boolean): MarkdownPart {
  return { node: first ? node : keepLeadingSpace(node), base }
}

function withParts(block: MarkdownBlock, parts: MarkdownPart[]): MarkdownBlock {
  const first = parts[0]
  return first ? { ...block, node: first.node, base: first.base, parts } : block
}

/**
 * The last block as it starts being parsed in pieces (a paragraph only). `lineStarts`: sorted
 * offsets of spaces where the view started a new line, where pieces had better end.
 */
export function startParts(
  block: MarkdownBlock,
  text: string,
  lineStarts: readonly number[] = [],
): MarkdownBlock {
  if (block.node.type !== 'paragraph') return block
  if (text.length - block.base - (block.node.position?.start.offset ?? 0) < settleLength)
    return block
  return settle({ ...block, parts: [{ node: block.node, base: block.base }] }, text, lineStarts)
}

/**
 * The last paragraph after `text` grew, parsing only its open piece again; null when the new text
 * may change what the paragraph is (a new block, a heading underline, a table row), so it has to be
 * parsed again from its start.
 */
export function growParagraph(
  block: MarkdownBlock,
  text: string,
  previousLength: number,
  lineStarts: readonly number[] = [],
): MarkdownBlock | null {
  const parts = block.parts ?? []
  const open = parts[parts.length - 1]
  if (!open) return null
  // Only a line written in this batch can be new; older ones were read as part of the paragraph.
  const lastLine = text.lastIndexOf('\n', previousLength - 1)
  if (reinterpretingLine.test(text.slice(Math.max(open.base, lastLine)))) return null
  const node = parsePiece(text, open.base)
  if (!node) return null
  return settle(
    withParts(block, [...parts.slice(0, -1), piece(node, open.base, parts.length === 1)]),
    text,
    lineStarts,
  )
}

/**
 * The streamed paragraph `last` as it ended, when a new block followed it: its open piece parsed
 * up to the paragraph's end. It is kept, pieces and all, if it draws what the parse of the whole
 * block (`closed`) draws, so the paragraph is not drawn again; else `closed` is used.
 */
export function closeParagraph(last: MarkdownBlock, closed: MarkdownBlock, text: string) {
  const parts = last.parts ?? []
  const open = parts[parts.length - 1]
  if (!open || closed.key !== last.key) return closed
  const end = closed.base + (closed.node.position?.end.offset ?? 0)
  const node = parsePiece(text.slice(0, end), open.base)
  if (!node) return closed
  const ended = withParts(last, [...parts.slice(0, -1), piece(node, open.base, parts.length === 1)])
  return sameRendering(ended, closed) ? ended : closed
}
