import { memo, useCallback, useMemo, useRef, useState, type RefObject } from 'react'
import type { GeneratedToken, TokenText } from '../../../shared/contract'
import { useLineStarts } from '../hooks/useLineStarts'
import { useStickToBottom } from '../hooks/useStickToBottom'
import { useStore } from '../hooks/useStore'
import { inspectorPrefsStore } from '../inspector/stores'
import { useChipCopy } from '../hooks/useChipCopy'
import { useDrawnBlocks } from '../hooks/useDrawnBlocks'
import { copyRootAttribute } from '../lib/copy-selection'
import { formatCount } from '../lib/format'
import type { ColorMode } from '../lib/probability-scale'
import { focusRing, mutedText } from '../lib/ui'
import { chunkSize, type Chunks } from '../stores/token-chunks'
import { handleSwitchClick, PromptChip, TokenChip } from './TokenChip'
import {
  allGenerated,
  sameSlices,
  streamBlocks,
  type GeneratedRange,
  type StreamBlock,
} from './token-blocks'
import { tokenAfterKey } from '../lib/token-keys'

/** Long prompts show only their end until asked; thousands of prompt chips help nobody. */
const promptChunksShown = 8

/** Where branches part, by generated-token index: which branch is shown, of how many. */
export type BranchPoints = ReadonlyMap<number, { index: number; count: number }>

const noBranchPoints: BranchPoints = new Map()

interface SliceProps<T> {
  items: readonly T[]
  start: number
  from: number
  to: number
}

const GeneratedSlice = memo(function GeneratedSlice(
  props: SliceProps<GeneratedToken> & {
    selected: number
    colorMode: ColorMode
    branchPoints: BranchPoints
  },
) {
  const { items, start, from, to } = props
  return items.slice(from, to).map((token, i) => {
    const index = start + from + i
    return (
      <TokenChip
        key={index}
        token={token}
        index={index}
        selected={index === props.selected}
        colorMode={props.colorMode}
        branch={props.branchPoints.get(index)}
      />
    )
  })
})

/** A prompt's scores by position, once it is scored (see `promptScoresFor`). */
export type PromptScores = readonly (GeneratedToken | undefined)[]

const PromptSlice = memo(function PromptSlice(
  props: SliceProps<TokenText> & { scores: PromptScores | null; colorMode: ColorMode },
) {
  const { items, start, from, to } = props
  return items.slice(from, to).map((token, i) => {
    const index = start + from + i
    return (
      <PromptChip
        key={index}
        token={token}
        index={index}
        score={props.scores?.[index]}
        colorMode={props.colorMode}
      />
    )
  })
})

/** The branch points inside one block; the shared empty map keeps other blocks memoized. */
function pointsIn(points: BranchPoints, first: number, end: number): BranchPoints {
  if (points.size === 0) return noBranchPoints
  const inside = [...points].filter(([index]) => index >= first && index < end)
  return inside.length > 0 ? new Map(inside) : noBranchPoints
}

interface TokenBlockProps {
  block: StreamBlock<TokenText, GeneratedToken>
  /** The selected generated index when it is in this block, else -1. */
  selected: number
  colorMode: ColorMode
  branchPoints: BranchPoints
  /** Prompt tokens left out before this block (only the first block has any). */
  hiddenPrompt: number
  onShowPrompt: () => void
  caret: boolean
  promptScores: PromptScores | null
}

function sameBlock(a: TokenBlockProps, b: TokenBlockProps): boolean {
  return (
    a.selected === b.selected &&
    a.colorMode === b.colorMode &&
    a.branchPoints === b.branchPoints &&
    a.hiddenPrompt === b.hiddenPrompt &&
    a.onShowPrompt === b.onShowPrompt &&
    a.caret === b.caret &&
    a.promptScores === b.promptScores &&
    a.block.estimatedHeight === b.block.estimatedHeight &&
    sameSlices(a.block.prompt, b.block.prompt) &&
    sameSlices(a.block.generated, b.block.generated)
  )
}

/**
 * One line (or paragraph) of chips. Off screen the browser skips its style, layout and paint,
 * keeping its last drawn height (or the estimate) as a placeholder.
 */
const TokenBlock = memo(function TokenBlock(props: TokenBlockProps) {
  const { block } = props
  return (
    <div
      data-testid="token-block"
      className="[content-visibility:auto]"
      style={{ containIntrinsicBlockSize: `auto ${block.estimatedHeight}px` }}
    >
      {props.hiddenPrompt > 0 && (
        <button
          type="button"
          className={`mr-1 rounded px-1 text-xs underline decoration-dotted ${mutedText} ${focusRing}`}
          onClick={props.onShowPrompt}
        >
          … show {formatCount(props.hiddenPrompt)} earlier prompt tokens
        </button>
      )}
      {block.prompt.map((slice) => (
        <PromptSlice
          key={`p${slice.start + slice.from}`}
          {...slice}
          scores={props.promptScores}
          colorMode={props.colorMode}
        />
      ))}
      {block.generated.map((slice) => (
        <GeneratedSlice
          key={`g${slice.start + slice.from}`}
          {...slice}
          selected={
            props.selected >= slice.start + slice.from && props.selected < slice.start + slice.to
              ? props.selected
              : -1
          }
          colorMode={props.colorMode}
          branchPoints={props.branchPoints}
        />
      ))}
      {props.caret && (
        <span
          aria-hidden="true"
          className="ml-0.5 inline-block h-4 w-[3px] translate-y-[3px] animate-pulse rounded-sm bg-violet-500"
        />
      )}
    </div>
  )
}, sameBlock)

export interface TokenStreamProps {
  prompt: Chunks<TokenText>
  promptCount: number
  tokens: Chunks<GeneratedToken>
  tokenCount: number
  running: boolean
  selected: number | null
  onHover: (index: number | null) => void
  onPick: (index: number) => void
  /**
   * A token reached with the keys: picked, never put down. Keys can come faster than a render,
   * and a second press that reaches the same token must not undo the first (as a click on the
   * picked token does). `onPick` when left out.
   */
  onStep?: (index: number) => void
  scrollRef: RefObject<HTMLDivElement | null>
  /** What the chips' tint shows; the user's saved choice when left out. */
  colorMode?: ColorMode
  /** Positions where branches part, drawn with a ‹ i/n › switch. */
  branchPoints?: BranchPoints
  /** Called by the ‹ › switch: show the previous (-1) or next (+1) branch at `index`. */
  onSwitchBranch?: (index: number, delta: number) => void
  /** Only these generated tokens (e.g. a reply's reasoning, or its answer); indices stay global. */
  range?: GeneratedRange
  /** The prompt tokens' scores, tinting their chips, once the prompt is scored. */
  promptScores?: PromptScores | null
}

function indexOf(target: EventTarget): number | null {
  const chip = target instanceof Element ? target.closest<HTMLElement>('[data-index]') : null
  const index = chip ? Number(chip.dataset.index) : NaN
  return Number.isInteger(index) ? index : null
}

/**
 * Prompt and generated tokens as chips, in blocks that end where a line ends (see
 * `token-blocks.ts`): a new batch renders and lays out only the last block, and blocks off
 * screen are skipped by the browser. One set of listeners serves every chip.
 */
export function TokenStream(props: TokenStreamProps) {
  const { prompt, promptCount, tokens, tokenCount, selected, onHover, onPick, scrollRef } = props
  const savedMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const colorMode = props.colorMode ?? savedMode
  const branchPoints = props.branchPoints ?? noBranchPoints
  const [allPrompt, setAllPrompt] = useState(false)
  const showPrompt = useCallback(() => setAllPrompt(true), [])
  const contentRef = useRef<HTMLDivElement>(null)
  // Keep the newest token in view while the reader is at the bottom; leave them be if they scrolled up.
  const stick = useStickToBottom(scrollRef, contentRef, 32)
  // A branch switch takes room in its line: lines measured without it wrap elsewhere with it.
  const switches = useMemo(() => [...branchPoints.keys()].join(','), [branchPoints])
  const lineStarts = useLineStarts(contentRef, tokens, props.running, switches)
  const firstPromptChunk = allPrompt ? 0 : Math.max(0, prompt.length - promptChunksShown)
  const hiddenPrompt = Math.min(promptCount, firstPromptChunk * chunkSize)
  const { from: rangeFrom, to: rangeTo } = props.range ?? allGenerated
  useChipCopy(contentRef, prompt, tokens)
  const blocks = useMemo(
    () =>
      streamBlocks(
        prompt.slice(firstPromptChunk),
        firstPromptChunk,
        tokens,
        { from: rangeFrom, to: rangeTo },
        lineStarts,
      ),
    [prompt, firstPromptChunk, tokens, rangeFrom, rangeTo, lineStarts],
  )
  const drawnBlocks = useDrawnBlocks(blocks, tokens[0])

  const move = (key: string) =>
    tokenAfterKey(key, selected, rangeFrom, Math.min(tokenCount, rangeTo) - 1)

  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="group"
      aria-label="Tokens. Use the arrow keys to inspect generated tokens."
      // Sized by its column, never by its chips: a skipped block remembers its last width, which
      // would otherwise keep the column from getting narrower (e.g. when the inspector opens).
      className={`h-full overflow-y-auto [contain:inline-size] px-4 py-3 text-[13px] leading-[26px] break-words ${focusRing} focus-visible:outline-offset-[-2px]`}
      onScroll={stick.onScroll}
      onMouseOver={(event) => onHover(indexOf(event.target))}
      onMouseLeave={() => onHover(null)}
      onClick={(event) => {
        if (handleSwitchClick(event.target, props.onSwitchBranch)) return
        const index = indexOf(event.target)
        if (index !== null) onPick(index)
      }}
      onKeyDown={(event) => {
        const next = move(event.key)
        if (next === null) return
        event.preventDefault()
        if (props.onStep) props.onStep(next)
        else if (next !== selected) onPick(next)
        scrollRef.current
          ?.querySelector(`[data-index="${next}"]`)
          ?.scrollIntoView({ block: 'nearest' })
      }}
    >
      <div ref={contentRef} {...{ [copyRootAttribute]: 'chips' }}>
        {drawnBlocks.map((block, i) => (
          <TokenBlock
            key={block.key}
            block={block}
            selected={
              selected !== null && selected >= block.first && selected < block.end ? selected : -1
            }
            colorMode={colorMode}
            branchPoints={pointsIn(branchPoints, block.first, block.end)}
            hiddenPrompt={block === blocks[0] ? hiddenPrompt : 0}
            promptScores={props.promptScores ?? null}
            onShowPrompt={showPrompt}
            caret={props.running && i === drawnBlocks.length - 1}
          />
        ))}
      </div>
    </div>
  )
}
