import { createContext, Fragment, memo, useContext } from 'react'
import type { Nodes } from 'mdast'
import { alignValue, tokenPieces, type Piece } from '../../lib/markdown-map'
import { BranchSwitch } from '../TokenChip'
import type { BranchPoints } from '../TokenStream'

/** What every node of one reply needs to map its text back to tokens. */
export interface MarkdownContext {
  /** The reply's text: its tokens' texts joined. */
  source: string
  starts: readonly number[]
  /** The global index of the reply's first token (a reply's reasoning comes before it). */
  first: number
  /** Tint classes of a token, by its index in the reply. */
  tint: (token: number) => string
  /** Where the block being drawn starts in `source`: node offsets count from here. */
  base: number
  /** Where branches part, by global token index: a ‹ i/n › switch goes before that token. */
  branchPoints?: BranchPoints
}

export const MarkdownCtx = createContext<MarkdownContext | null>(null)

export function useMarkdown(): MarkdownContext {
  const ctx = useContext(MarkdownCtx)
  if (!ctx) throw new Error('Markdown nodes need a MarkdownCtx')
  return ctx
}

/** Where a node sits in the reply's source. */
export function spanOf(node: Nodes, base: number, fallback: number): [number, number] {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  return start === undefined || end === undefined
    ? [fallback, fallback]
    : [base + start, base + end]
}

/** The shown text of a node as one span per token run, each one the inspector can point at. */
export function piecesOf(ctx: MarkdownContext, value: string, from: number, to: number): Piece[] {
  return tokenPieces(value, alignValue(ctx.source, from, to, value), ctx.starts)
}

const tokenSpan =
  'cursor-pointer rounded-[3px] box-decoration-clone data-selected:outline-2 data-selected:outline-violet-600 dark:data-selected:outline-violet-300 hover:outline-1 hover:outline-slate-400'

interface Drawn {
  text: string
  index: number
  src: number
  className: string
  branch?: { index: number; count: number }
}

/** Pieces per group: a long paragraph that grows redraws only its last group. */
const groupSize = 64

function sameGroup(a: { spans: readonly Drawn[] }, b: { spans: readonly Drawn[] }): boolean {
  return (
    a.spans.length === b.spans.length &&
    a.spans.every((s, i) => {
      const t = b.spans[i]
      return (
        t !== undefined &&
        s.text === t.text &&
        s.src === t.src &&
        s.index === t.index &&
        s.className === t.className &&
        s.branch?.index === t.branch?.index &&
        s.branch?.count === t.branch?.count
      )
    })
  )
}

const SpanGroup = memo(function SpanGroup({ spans }: { spans: readonly Drawn[] }) {
  return spans.map((span) => (
    <Fragment key={span.src}>
      {span.branch && <BranchSwitch index={span.index} at={span.branch} />}
      <span
        data-index={span.index}
        data-src={span.src}
        className={`${tokenSpan} ${span.className}`}
      >
        {span.text}
      </span>
    </Fragment>
  ))
}, sameGroup)

export function TokenSpans({ pieces }: { pieces: readonly Piece[] }) {
  const ctx = useMarkdown()
  const switched = new Set<number>()
  const drawn = pieces.map((piece): Drawn => {
    const index = ctx.first + piece.token
    // A token drawn in several pieces gets its switch once, before the first.
    const branch = switched.has(index) ? undefined : ctx.branchPoints?.get(index)
    if (branch) switched.add(index)
    return {
      text: piece.text,
      index,
      src: piece.src,
      className: `${ctx.tint(piece.token)} ${piece.className ?? ''}`,
      branch,
    }
  })
  const groups: Drawn[][] = []
  for (let i = 0; i < drawn.length; i += groupSize) groups.push(drawn.slice(i, i + groupSize))
  return groups.map((spans, i) => <SpanGroup key={i} spans={spans} />)
}
