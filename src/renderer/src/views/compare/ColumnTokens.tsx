import { useCallback, useRef, useState } from 'react'
import { Spinner } from '../../components/Icons'
import { contextIdsBefore } from '../../lib/context-ids'
import { TokenDetails } from '../../components/TokenDetails'
import { TokenStream } from '../../components/TokenStream'
import { useStore } from '../../hooks/useStore'
import { useHoveredIndex } from '../../hooks/useHoveredIndex'
import { mutedText } from '../../lib/ui'
import { generatedTokenAt, isActive, type RunState } from '../../stores/run-reducer'
import { comparePickStore, pickedIn } from './compare-pick'

export interface ColumnTokensProps {
  /** The column's key. */
  columnKey: string
  run: RunState
}

/**
 * One column's token chips: hover shows a token's details beside it, a click docks the view's
 * inspector on it (see CompareInspector).
 */
export function ColumnTokens({ columnKey, run }: ColumnTokensProps) {
  const { hovered, hover, setHovered } = useHoveredIndex()
  const [hoveredRun, setHoveredRun] = useState(run.runId)
  const picked = useStore(comparePickStore, (s) => pickedIn(s, columnKey, run.runId))
  const scrollRef = useRef<HTMLDivElement>(null)

  // A new run starts with nothing under the pointer (adjusting state during render).
  if (hoveredRun !== run.runId) {
    setHoveredRun(run.runId)
    setHovered(null)
  }
  const shown = picked ?? hovered
  const token = hovered === null ? undefined : generatedTokenAt(run, hovered)

  const runId = run.runId
  const pick = useCallback(
    (index: number) => {
      if (runId)
        comparePickStore.dispatch({ type: 'toggled', pick: { key: columnKey, runId, index } })
    },
    [columnKey, runId],
  )

  const findAnchor = useCallback(
    () =>
      hovered === null
        ? null
        : (scrollRef.current?.querySelector(`[data-index="${hovered}"]`) ?? null),
    [hovered],
  )

  const nothingYet = run.promptCount === 0 && run.tokenCount === 0
  return (
    <div className="h-full">
      {run.phase === 'idle' || (run.phase === 'failed' && nothingYet) ? (
        <p className={`px-4 py-4 text-sm ${mutedText}`}>
          {run.phase === 'idle'
            ? 'Not generated yet: its text, statistics and probability chart appear here.'
            : 'Nothing was generated.'}
        </p>
      ) : run.phase === 'starting' && nothingYet ? (
        <p role="status" className={`flex items-center gap-2 px-4 py-4 text-sm ${mutedText}`}>
          <Spinner /> Reading the prompt…
        </p>
      ) : (
        <TokenStream
          prompt={run.prompt}
          promptCount={run.promptCount}
          tokens={run.tokens}
          tokenCount={run.tokenCount}
          running={isActive(run)}
          selected={shown}
          onHover={hover}
          onPick={pick}
          scrollRef={scrollRef}
        />
      )}
      {/* The docked inspector shows the picked token; the popover, the one under the pointer. */}
      {token && hovered !== null && picked === null && (
        <TokenDetails
          token={token}
          index={hovered}
          count={run.tokenCount}
          sampling={run.sampling}
          pinned={false}
          findAnchor={findAnchor}
          onClose={() => setHovered(null)}
          contextBefore={() => contextIdsBefore(run.prompt, run.tokens, hovered)}
        />
      )}
    </div>
  )
}
