import { parseMarkdown, type MarkdownBlock, type ParsedMarkdown } from './markdown-blocks'
import { closeParagraph, growParagraph, startParts } from './markdown-parts'
import { sameRendering } from './markdown-signature'

/**
 * The parse of `text`, reusing `previous` when `text` only grew: text added at the end can only
 * change the last block (a paragraph turning into a heading, a list or a code fence going on), so
 * every block before it is kept as it was (same objects, so their rendering is kept too) and
 * only the last block and the new text are parsed again. A long reply then costs a parse of its
 * last block per batch, not of the whole reply; a long last paragraph costs a parse of its
 * still-open piece only (see `markdown-parts`).
 */
export function parseIncremental(
  previous: ParsedMarkdown | null,
  text: string,
  /** Sorted offsets of spaces where the view started a new line (see `markdown-parts`). */
  lineStarts: readonly number[] = [],
): ParsedMarkdown {
  if (previous?.text === text) return previous
  const last = previous?.blocks[previous.blocks.length - 1]
  if (!previous || !last || !text.startsWith(previous.text)) {
    return { text, blocks: parseMarkdown(text), whole: true }
  }
  const kept = previous.blocks.slice(0, -1)
  const grown = last.parts ? growParagraph(last, text, previous.text.length, lineStarts) : null
  if (grown) return { text, blocks: [...kept, grown], whole: false }
  const start = last.base + (last.node.position?.start.offset ?? 0)
  const lineStart = text.lastIndexOf('\n', start - 1) + 1
  const blocks = parseMarkdown(text.slice(lineStart), lineStart)
  const open = blocks.pop()
  // A long paragraph that just ended keeps its pieces: drawing it whole again would redraw it all.
  const closed = blocks.map((block) => (last.parts ? closeParagraph(last, block, text) : block))
  return {
    text,
    blocks: [...kept, ...closed, ...(open ? [startParts(open, text, lineStarts)] : [])],
    whole: false,
  }
}

/**
 * The whole parse of a finished reply (`blocks`), keeping each streamed block that it draws the
 * same way (same object, so a finished reply is not drawn again).
 */
function finishedFrom(
  previous: ParsedMarkdown | null,
  text: string,
  blocks: readonly MarkdownBlock[],
): ParsedMarkdown {
  const before = new Map(previous?.blocks.map((block) => [block.key, block]))
  return {
    text,
    blocks: blocks.map((block) => {
      const streamed = before.get(block.key)
      return streamed && sameRendering(streamed, block) ? streamed : block
    }),
    whole: true,
  }
}

/** The last parses made for each view (e.g. a message id), most recently used last. */
const cache = new Map<string, ParsedMarkdown[]>()
const cacheSize = 64
/**
 * Parses kept per view. React may draw an older text again after it parsed a newer one: a
 * deferred render that a batch of tokens interrupted was never shown, so the next urgent render
 * draws the text on screen again. That text must get its own parse (same blocks, so nothing is
 * drawn again), not a whole new parse because the newest one does not fit it.
 */
const parsesPerView = 8

/** The kept parse whose text `text` grows from by the most, else the most recent one. */
function nearest(history: readonly ParsedMarkdown[], text: string): ParsedMarkdown | null {
  let best: ParsedMarkdown | null = null
  for (const parsed of history)
    if (text.startsWith(parsed.text) && parsed.text.length >= (best?.text.length ?? -1))
      best = parsed
  return best ?? history[history.length - 1] ?? null
}

/** `parseIncremental` against the parses made for the same view (e.g. a message id). */
export function parseFor(
  key: string,
  text: string,
  streaming: boolean,
  lineStarts: readonly number[] = [],
): ParsedMarkdown {
  const history = cache.get(key) ?? []
  let parsed = history.find((p) => p.text === text && (streaming || p.whole))
  if (!parsed) {
    const previous = nearest(history, text)
    // A finished reply is parsed whole once, so nothing the block-wise parse guessed can stay.
    // Its last batch usually comes with the end of the run and was never parsed streaming: it is
    // parsed so first, so the blocks it only grew keep what they drew.
    parsed =
      streaming || previous === null
        ? parseIncremental(previous, text, lineStarts)
        : finishedFrom(
            history.find((p) => p.text === text) ?? parseIncremental(previous, text, lineStarts),
            text,
            parseMarkdown(text),
          )
  }
  remember(key, history, parsed)
  return parsed
}

function remember(key: string, history: readonly ParsedMarkdown[], parsed: ParsedMarkdown): void {
  const kept = [...history.filter((p) => p !== parsed), parsed].slice(-parsesPerView)
  cache.delete(key)
  cache.set(key, kept)
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value ?? '')
}

/** The whole parse of the finished `text` made for a view, once there is one. */
export function wholeParseOf(key: string, text: string): ParsedMarkdown | undefined {
  return cache.get(key)?.find((p) => p.text === text && p.whole)
}

/** Text a view's streamed parse may still grow by here, in one task, to show a finished text. */
const interimGrowth = 4_000

/**
 * What a view shows of a finished text while its whole parse is made elsewhere (a worker): the
 * parse it streamed, grown to `text` (a last batch), or no blocks at all when it never streamed
 * this text or much of it is new (another branch, say).
 */
export function interimParse(
  key: string,
  text: string,
  lineStarts: readonly number[] = [],
): ParsedMarkdown {
  const previous = nearest(cache.get(key) ?? [], text)
  const grown = previous && text.startsWith(previous.text) ? text.length - previous.text.length : -1
  if (grown < 0 || grown > interimGrowth) return { text, blocks: [], whole: false }
  return parseFor(key, text, true, lineStarts)
}

/** Keeps `blocks`, the whole parse of the finished `text` made elsewhere, for the view `key`. */
export function keepWholeParse(key: string, text: string, blocks: readonly MarkdownBlock[]): void {
  const history = cache.get(key) ?? []
  remember(key, history, finishedFrom(history.find((p) => p.text === text) ?? null, text, blocks))
}
