import { lineBreaksAfter } from '../lib/whitespace'
import { chunkSize, type Chunks } from '../stores/token-chunks'

/**
 * The token stream drawn as blocks that end where a token ends a line. A block break there looks
 * exactly like the `<br>` it replaces, so the text reads as one flow; but each block can then be
 * skipped by the browser while it is off screen (`content-visibility: auto`), and a new batch
 * of tokens only lays out the last block instead of the whole transcript.
 */

/** Part of one chunk inside a block: items `from` to `to` (exclusive) of `items`. */
export interface BlockSlice<T> {
  items: readonly T[]
  /** Index of the first item of `items` in the whole list (prompt or generated). */
  start: number
  from: number
  to: number
}

export interface StreamBlock<P, G> {
  /** Stable while the block grows: where it starts, e.g. `p0` or `g128`. */
  key: string
  prompt: BlockSlice<P>[]
  generated: BlockSlice<G>[]
  /** Generated-token indices the block holds: [first, end). */
  first: number
  end: number
  /** A guess of the block's height, for its placeholder before it was ever drawn. */
  estimatedHeight: number
}

interface ChunkFacts {
  /** Offsets in the chunk after which the text goes on on a new line. */
  breaks: number[]
  /** Extra blank lines the break at the same position draws (`\n\n` draws one). */
  blankLines: number[]
  /** Running sum of the chips' estimated widths in px: `widths[i]` is the sum of items before i. */
  widths: Float64Array
}

const factsCache = new WeakMap<readonly { text: string }[], ChunkFacts>()

/** A monospace character at 13px, and a chip's padding and margins. */
const charWidth = 7.9
const chipExtra = 8
export const lineHeight = 26
/** A modest guess of the column's width; only used until a block was drawn once. */
const assumedWidth = 640

function chunkFacts(items: readonly { text: string }[]): ChunkFacts {
  const cached = factsCache.get(items)
  if (cached) return cached
  const breaks: number[] = []
  const blankLines: number[] = []
  const widths = new Float64Array(items.length + 1)
  items.forEach((item, i) => {
    widths[i + 1] = (widths[i] ?? 0) + item.text.length * charWidth + chipExtra
    const lines = lineBreaksAfter(item.text)
    if (lines > 0) {
      breaks.push(i)
      blankLines.push(lines - 1)
    }
  })
  const facts = { breaks, blankLines, widths }
  // The last, still filling chunk is replaced on every batch; only full chunks are worth keeping.
  if (items.length >= chunkSize) factsCache.set(items, facts)
  return facts
}

interface Builder<P, G> {
  blocks: StreamBlock<P, G>[]
  open: StreamBlock<P, G> | null
  width: number
}

function openBlock<P, G>(b: Builder<P, G>, key: string, first: number): StreamBlock<P, G> {
  b.open ??= { key, prompt: [], generated: [], first, end: first, estimatedHeight: 0 }
  return b.open
}

function closeBlock<P, G>(b: Builder<P, G>, blankLines: number): void {
  if (!b.open) return
  const lines = Math.max(1, Math.ceil(b.width / assumedWidth)) + blankLines
  b.open.estimatedHeight = lines * lineHeight
  b.blocks.push(b.open)
  b.open = null
  b.width = 0
}

/** Generated-token indices to draw: [from, to). */
export interface GeneratedRange {
  from: number
  to: number
}

/** Every generated token. */
export const allGenerated: GeneratedRange = { from: 0, to: Infinity }

function addChunks<P extends { text: string }, G extends { text: string }>(
  b: Builder<P, G>,
  chunks: Chunks<P> | Chunks<G>,
  firstChunk: number,
  kind: 'prompt' | 'generated',
  range: GeneratedRange = allGenerated,
  lineStarts: readonly number[] = [],
): void {
  chunks.forEach((items, c) => {
    const start = (firstChunk + c) * chunkSize
    const { breaks, blankLines, widths } = chunkFacts(items)
    let from = 0
    const add = (to: number) => {
      const first = Math.max(from, range.from - start)
      const last = Math.min(to, range.to - start)
      from = to
      if (last <= first) return
      const prompt = kind === 'prompt'
      const block = openBlock(
        b,
        `${prompt ? 'p' : 'g'}${start + first}`,
        prompt ? 0 : start + first,
      )
      if (prompt) block.prompt.push({ items: items as readonly P[], start, from: first, to: last })
      else {
        block.generated.push({ items: items as readonly G[], start, from: first, to: last })
        block.end = start + last
      }
      b.width += (widths[last] ?? 0) - (widths[first] ?? 0)
    }
    for (const cut of cutsIn(
      breaks,
      blankLines,
      kind === 'generated' ? lineStarts : [],
      start,
      items.length,
    )) {
      add(cut.at)
      closeBlock(b, cut.blankLines)
    }
    add(items.length)
  })
}

interface Cut {
  /** Offset in the chunk before which the block ends. */
  at: number
  blankLines: number
}

/** The chunk's line ends, and the given line starts that fall inside it, in order. */
function cutsIn(
  breaks: readonly number[],
  blankLines: readonly number[],
  lineStarts: readonly number[],
  start: number,
  length: number,
): Cut[] {
  const cuts: Cut[] = breaks.map((at, i) => ({ at: at + 1, blankLines: blankLines[i] ?? 0 }))
  const soft = lineStarts.filter((index) => index >= start && index < start + length)
  if (soft.length === 0) return cuts
  for (const index of soft) {
    const at = index - start
    if (!cuts.some((cut) => cut.at === at)) cuts.push({ at, blankLines: 0 })
  }
  return cuts.sort((a, b) => a.at - b.at)
}

/**
 * Splits the prompt chunks (from chunk `firstPromptChunk` on) and the generated chunks into
 * blocks, keeping only the generated tokens in `range`. Blocks also end before each generated
 * index in `lineStarts`: tokens the browser was seen to wrap onto a new line, so that a long
 * paragraph is drawn as several blocks that look exactly like one. Always returns at least one
 * block, so there is a place for the caret.
 */
export function streamBlocks<P extends { text: string }, G extends { text: string }>(
  prompt: Chunks<P>,
  firstPromptChunk: number,
  generated: Chunks<G>,
  range: GeneratedRange = allGenerated,
  lineStarts: readonly number[] = [],
): StreamBlock<P, G>[] {
  const b: Builder<P, G> = { blocks: [], open: null, width: 0 }
  addChunks(b, prompt, firstPromptChunk, 'prompt')
  addChunks(b, generated, 0, 'generated', range, lineStarts)
  closeBlock(b, 0)
  if (b.blocks.length === 0)
    b.blocks.push({
      key: 'empty',
      prompt: [],
      generated: [],
      first: 0,
      end: 0,
      estimatedHeight: lineHeight,
    })
  return b.blocks
}

/** Whether two versions of a block draw the same tokens (full chunks keep their identity). */
export function sameSlices<T>(a: readonly BlockSlice<T>[], b: readonly BlockSlice<T>[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => {
      const t = b[i]
      return t !== undefined && s.items === t.items && s.from === t.from && s.to === t.to
    })
  )
}
