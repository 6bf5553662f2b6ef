import { memo, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import type { GeneratedToken, TokenText } from '../../../shared/contract'
import { useStore } from '../hooks/useStore'
import { inspectorPrefsStore } from '../inspector/stores'
import { formatCount } from '../lib/format'
import type { ColorMode } from '../lib/probability-scale'
import { focusRing, mutedText } from '../lib/ui'
import { chunkSize, type Chunks } from '../stores/token-chunks'
import { PromptChip, TokenChip } from './TokenChip'

/** Long prompts show only their end until asked; thousands of prompt chips help nobody. */
const promptChunksShown = 8

/** Where branches part, by generated-token index: which branch is shown, of how many. */
export type BranchPoints = ReadonlyMap<number, { index: number; count: number }>

const noBranchPoints: BranchPoints = new Map()

const GeneratedChunk = memo(function GeneratedChunk(props: {
  tokens: readonly GeneratedToken[]
  start: number
  selectedOffset: number
  colorMode: ColorMode
  branchPoints: BranchPoints
}) {
  return props.tokens.map((token, i) => (
    <TokenChip
      key={props.start + i}
      token={token}
      index={props.start + i}
      selected={i === props.selectedOffset}
      colorMode={props.colorMode}
      branch={props.branchPoints.get(props.start + i)}
    />
  ))
})

/** The branch points inside one chunk; the shared empty map keeps other chunks memoized. */
function pointsIn(points: BranchPoints, start: number): BranchPoints {
  if (points.size === 0) return noBranchPoints
  const inside = [...points].filter(([index]) => index >= start && index < start + chunkSize)
  return inside.length > 0 ? new Map(inside) : noBranchPoints
}

const PromptChunk = memo(function PromptChunk(props: { tokens: readonly TokenText[] }) {
  return props.tokens.map((token, i) => <PromptChip key={i} token={token} />)
})

export interface TokenStreamProps {
  prompt: Chunks<TokenText>
  promptCount: number
  tokens: Chunks<GeneratedToken>
  tokenCount: number
  running: boolean
  selected: number | null
  onHover: (index: number | null) => void
  onPick: (index: number) => void
  scrollRef: RefObject<HTMLDivElement | null>
  /** What the chips' tint shows; the user's saved choice when left out. */
  colorMode?: ColorMode
  /** Positions where branches part, drawn with a ‹ i/n › switch. */
  branchPoints?: BranchPoints
  /** Called by the ‹ › switch: show the previous (-1) or next (+1) branch at `index`. */
  onSwitchBranch?: (index: number, delta: number) => void
}

function indexOf(target: EventTarget): number | null {
  const chip = target instanceof Element ? target.closest<HTMLElement>('[data-index]') : null
  const index = chip ? Number(chip.dataset.index) : NaN
  return Number.isInteger(index) ? index : null
}

/**
 * Prompt and generated tokens as chips, in memoized chunks: a new batch renders only the last
 * chunk. One set of listeners serves every chip.
 */
export function TokenStream(props: TokenStreamProps) {
  const { prompt, promptCount, tokens, tokenCount, selected, onHover, onPick, scrollRef } = props
  const savedMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const colorMode = props.colorMode ?? savedMode
  const branchPoints = props.branchPoints ?? noBranchPoints
  const [allPrompt, setAllPrompt] = useState(false)
  const followRef = useRef(true)
  const firstPromptChunk = allPrompt ? 0 : Math.max(0, prompt.length - promptChunksShown)
  const hiddenPrompt = Math.min(promptCount, firstPromptChunk * chunkSize)

  // Keep the newest token in view while the reader is at the bottom; leave them be if they scrolled up.
  useLayoutEffect(() => {
    const box = scrollRef.current
    if (box && followRef.current) box.scrollTop = box.scrollHeight
  }, [tokenCount, promptCount, scrollRef])

  const move = (key: string): number | null => {
    if (tokenCount === 0) return null
    const from = selected ?? -1
    if (key === 'ArrowRight') return Math.min(tokenCount - 1, from + 1)
    if (key === 'ArrowLeft') return Math.max(0, from < 0 ? tokenCount - 1 : from - 1)
    if (key === 'Home') return 0
    if (key === 'End') return tokenCount - 1
    return null
  }

  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="group"
      aria-label="Tokens. Use the arrow keys to inspect generated tokens."
      className={`h-full overflow-y-auto px-4 py-3 text-[13px] leading-[26px] break-words ${focusRing} focus-visible:outline-offset-[-2px]`}
      onScroll={(event) => {
        const box = event.currentTarget
        followRef.current = box.scrollHeight - box.scrollTop - box.clientHeight < 32
      }}
      onMouseOver={(event) => onHover(indexOf(event.target))}
      onMouseLeave={() => onHover(null)}
      onClick={(event) => {
        const switcher =
          event.target instanceof Element
            ? event.target.closest<HTMLElement>('[data-switch-delta]')
            : null
        if (switcher) {
          props.onSwitchBranch?.(
            Number(switcher.dataset.switchPosition),
            Number(switcher.dataset.switchDelta),
          )
          return
        }
        const index = indexOf(event.target)
        if (index !== null) onPick(index)
      }}
      onKeyDown={(event) => {
        const next = move(event.key)
        if (next === null) return
        event.preventDefault()
        onPick(next)
        scrollRef.current
          ?.querySelector(`[data-index="${next}"]`)
          ?.scrollIntoView({ block: 'nearest' })
      }}
    >
      {hiddenPrompt > 0 && (
        <button
          type="button"
          className={`mr-1 rounded px-1 text-xs underline decoration-dotted ${mutedText} ${focusRing}`}
          onClick={() => setAllPrompt(true)}
        >
          … show {formatCount(hiddenPrompt)} earlier prompt tokens
        </button>
      )}
      {prompt.slice(firstPromptChunk).map((chunk, i) => (
        <PromptChunk key={firstPromptChunk + i} tokens={chunk} />
      ))}
      {tokens.map((chunk, i) => (
        <GeneratedChunk
          key={i}
          tokens={chunk}
          start={i * chunkSize}
          selectedOffset={
            selected !== null && Math.floor(selected / chunkSize) === i ? selected % chunkSize : -1
          }
          colorMode={colorMode}
          branchPoints={pointsIn(branchPoints, i * chunkSize)}
        />
      ))}
      {props.running && (
        <span
          aria-hidden="true"
          className="ml-0.5 inline-block h-4 w-[3px] translate-y-[3px] animate-pulse rounded-sm bg-violet-500"
        />
      )}
    </div>
  )
}
