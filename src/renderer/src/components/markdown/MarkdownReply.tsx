import { memo, useLayoutEffect, useMemo, useRef } from 'react'
import type { GeneratedToken } from '../../../../shared/contract'
import {
  clickEndsSelection,
  copyRootAttribute,
  registerCopySource,
  sourceSpans,
} from '../../lib/copy-selection'
import { tokenAt, tokenStarts } from '../../lib/markdown-map'
import type { MarkdownBlock } from '../../lib/markdown-blocks'
import { colorBinFor, measuredFor, type ColorMode } from '../../lib/probability-scale'
import { formatCount } from '../../lib/format'
import { focusRing, mutedText } from '../../lib/ui'
import { useDrawnBlocks } from '../../hooks/useDrawnBlocks'
import { useMarkdownParse } from '../../hooks/useMarkdownParse'
import { useTextLineStarts } from '../../hooks/useTextLineStarts'
import { MarkdownCtx, type MarkdownContext } from './markdown-context'
import { MarkdownNode } from './MarkdownNodes'
import { StreamedParagraph } from './StreamedParagraph'
import { tokenAfterKey } from '../../lib/token-keys'
import type { BranchPoints } from '../TokenStream'
import { handleSwitchClick } from '../TokenChip'

// The chips' five bins as backgrounds only, so headings, links and code keep their own colours.
const tints = [
  'bg-sky-200/60 dark:bg-sky-800/60',
  'bg-sky-100 dark:bg-sky-900/60',
  'bg-stone-200/80 dark:bg-stone-600/60',
  'bg-orange-200 dark:bg-orange-800/70',
  'bg-orange-300 dark:bg-orange-600/70',
]

const noLineStarts: readonly number[] = []

interface BlockProps {
  block: MarkdownBlock
  source: string
  starts: readonly number[]
  tokens: readonly GeneratedToken[]
  first: number
  colorMode: ColorMode
  last: boolean
  branchPoints?: BranchPoints
  /** Where the view started lines, for a paragraph streamed in pieces (empty for other blocks). */
  lineStarts: readonly number[]
}

/**
 * The space above a top-level block. Each block is a box of its own (it may be skipped while off
 * screen), so its element's margins neither collapse with its neighbours' nor survive its own
 * `first:`/`last:` rules: the space between blocks is set here instead, as the margins would
 * have collapsed to (a heading keeps more room above it).
 */
function gapAbove(node: MarkdownBlock['node']): string {
  if (node.type === 'heading') return node.depth <= 2 ? 'mt-4' : node.depth <= 4 ? 'mt-3' : 'mt-2'
  return node.type === 'thematicBreak' ? 'mt-3' : 'mt-2'
}

/**
 * One top-level block. A block the incremental parse kept is the same object, and the text and
 * tokens inside it never change, so it is not drawn again while later blocks stream in; a long
 * paragraph still streaming is drawn piece by piece, so only its open piece is drawn again.
 */
const Block = memo(
  function Block(props: BlockProps) {
    const { block, source, starts, tokens, first, colorMode, last, branchPoints, lineStarts } =
      props
    const ctx: MarkdownContext = {
      source,
      starts,
      first,
      base: block.base,
      branchPoints,
      tint: (i) => {
        const token = tokens[i]
        return token && measuredFor(token, colorMode)
          ? (tints[colorBinFor(token, colorMode)] ?? '')
          : ''
      },
    }
    return (
      <div
        className={`flow-root ${gapAbove(block.node)} first:mt-0 [&>*]:my-0 ${last ? '' : '[content-visibility:auto]'}`}
      >
        {block.parts ? (
          <StreamedParagraph
            parts={block.parts}
            lineStarts={lineStarts}
            ctx={ctx}
            colorMode={colorMode}
          />
        ) : (
          <MarkdownCtx.Provider value={ctx}>
            <MarkdownNode node={block.node} />
          </MarkdownCtx.Provider>
        )}
      </div>
    )
  },
  (a, b) =>
    a.block === b.block &&
    a.colorMode === b.colorMode &&
    a.first === b.first &&
    a.last === b.last &&
    a.branchPoints === b.branchPoints &&
    a.lineStarts === b.lineStarts,
)

export interface MarkdownReplyProps {
  /** Names the reply, so its next batch re-parses only what changed. */
  cacheKey: string
  /** The reply's tokens (its answer, without the reasoning). */
  tokens: readonly GeneratedToken[]
  /** Global index of `tokens[0]`. */
  first: number
  running: boolean
  selected: number | null
  colorMode: ColorMode
  onHover: (index: number | null) => void
  onPick: (index: number) => void
  /** Where branches part (Completion), and what the ‹ › switches call. */
  branchPoints?: BranchPoints
  onSwitchBranch?: (index: number, delta: number) => void
}

function indexOf(target: EventTarget): number | null {
  const span = target instanceof Element ? target.closest<HTMLElement>('[data-index]') : null
  const index = span ? Number(span.dataset.index) : NaN
  return Number.isInteger(index) ? index : null
}

/** A reply rendered as Markdown while it streams; each token's text is a span the inspector reads. */
export function MarkdownReply(props: MarkdownReplyProps) {
  const { tokens, first, running, selected, onHover, onPick } = props
  const rootRef = useRef<HTMLDivElement>(null)
  const pressedAt = useRef<{ x: number; y: number } | null>(null)
  const { source, starts } = useMemo(() => {
    const texts = tokens.map((t) => t.text)
    return { source: texts.join(''), starts: tokenStarts(texts) }
  }, [tokens])
  // A branch switch takes room in its line: lines seen without it wrap elsewhere with it.
  const switches = useMemo(
    () => [...(props.branchPoints?.keys() ?? [])].join(','),
    [props.branchPoints],
  )
  const lineStarts = useTextLineStarts(rootRef, source, running, switches)
  const { parsed, pending } = useMarkdownParse(props.cacheKey, source, running, lineStarts)
  // Where each block ends, in tokens: a long text shown whole (a saved session opened) is drawn
  // from its end backwards, a part per task, as the chips are (see `useDrawnBlocks`).
  const ended = useMemo(
    () =>
      parsed.blocks.map((block, i) => {
        const next = parsed.blocks[i + 1]
        return { block, end: next ? tokenAt(starts, next.key) : tokens.length }
      }),
    [parsed, starts, tokens.length],
  )
  const drawn = useDrawnBlocks(ended, props.cacheKey)

  const sourceRef = useRef(source)
  useLayoutEffect(() => {
    sourceRef.current = source
    const root = rootRef.current
    if (root)
      registerCopySource(
        root,
        sourceSpans(() => sourceRef.current),
      )
  }, [source])

  // Marking the selected token's spans directly keeps a pick from drawing any block again. Lines
  // joined or split anew (`lineStarts`) are drawn with new spans, which are marked again.
  useLayoutEffect(() => {
    const root = rootRef.current
    if (!root || selected === null) return
    const spans = root.querySelectorAll(`[data-index="${selected}"]`)
    spans.forEach((span) => span.setAttribute('data-selected', ''))
    return () => spans.forEach((span) => span.removeAttribute('data-selected'))
  }, [selected, parsed, lineStarts])

  const move = (key: string) => tokenAfterKey(key, selected, first, first + tokens.length - 1)

  return (
    <div
      ref={rootRef}
      {...{ [copyRootAttribute]: 'markdown' }}
      data-testid="markdown-reply"
      tabIndex={0}
      role="group"
      aria-label="Reply. Use the arrow keys to inspect its tokens."
      className={`px-4 py-2 text-sm leading-6 break-words ${focusRing} focus-visible:outline-offset-[-2px]`}
      onMouseOver={(event) => onHover(indexOf(event.target))}
      onMouseLeave={() => onHover(null)}
      onPointerDown={(event) => {
        pressedAt.current = { x: event.clientX, y: event.clientY }
      }}
      onClick={(event) => {
        if (handleSwitchClick(event.target, props.onSwitchBranch)) return
        if (event.target instanceof Element && event.target.closest('a, button')) return
        if (clickEndsSelection(pressedAt.current, event)) return
        const index = indexOf(event.target)
        if (index !== null) onPick(index)
      }}
      onKeyDown={(event) => {
        const next = move(event.key)
        if (next === null || tokens.length === 0) return
        event.preventDefault()
        onPick(next)
        rootRef.current
          ?.querySelector(`[data-index="${next}"]`)
          ?.scrollIntoView({ block: 'nearest' })
      }}
    >
      {pending && parsed.blocks.length === 0 && (
        <p role="status" data-testid="markdown-pending" className={mutedText}>
          Laying out {formatCount(tokens.length)} tokens as Markdown…
        </p>
      )}
      {drawn.map(({ block }, i) => (
        <Block
          key={block.key}
          block={block}
          source={source}
          starts={starts}
          tokens={tokens}
          first={first}
          colorMode={props.colorMode}
          last={i === drawn.length - 1}
          branchPoints={props.branchPoints}
          lineStarts={block.parts ? lineStarts : noLineStarts}
        />
      ))}
      {running && (
        <span
          aria-hidden="true"
          className="ml-0.5 inline-block h-4 w-[3px] translate-y-[3px] animate-pulse rounded-sm bg-violet-500 select-none"
        />
      )}
    </div>
  )
}
