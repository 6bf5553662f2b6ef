import { useCallback, useEffect, useRef, useState } from 'react'
import { useStore } from '../hooks/useStore'
import { stopRun } from '../services/actions'
import { formatCount } from '../lib/format'
import { card, cardTitle, mutedText } from '../lib/ui'
import { generatedTokenAt, isActive } from '../stores/run-reducer'
import { runStore } from '../stores/stores'
import { EmptyState } from './EmptyState'
import { Spinner } from './Icons'
import { ProbabilityLegend } from './ProbabilityLegend'
import { TokenDetails } from './TokenDetails'
import { TokenStream } from './TokenStream'

export interface OutputPanelProps {
  onExample: (prompt: string) => void
}

/** The token stream of the current run, and the details of the token under the pointer. */
export function OutputPanel({ onExample }: OutputPanelProps) {
  const run = useStore(runStore, (s) => s)
  const running = isActive(run)
  const [hovered, setHovered] = useState<number | null>(null)
  const [pinned, setPinned] = useState<number | null>(null)
  const [selectionRun, setSelectionRun] = useState(run.runId)
  const scrollRef = useRef<HTMLDivElement>(null)

  // A new run starts with nothing selected (adjusting state during render, not in an effect).
  if (selectionRun !== run.runId) {
    setSelectionRun(run.runId)
    setHovered(null)
    setPinned(null)
  }
  const shown = pinned ?? hovered
  const token = shown === null ? undefined : generatedTokenAt(run, shown)

  // Crossing the gap between two chips must not blink the panel away and back.
  const leaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const hover = useCallback((index: number | null) => {
    if (leaveTimer.current) clearTimeout(leaveTimer.current)
    leaveTimer.current = null
    if (index !== null) setHovered(index)
    else leaveTimer.current = setTimeout(() => setHovered(null), 120)
  }, [])
  useEffect(
    () => () => {
      if (leaveTimer.current) clearTimeout(leaveTimer.current)
    },
    [],
  )

  const pinnedRef = useRef(pinned)
  useEffect(() => {
    pinnedRef.current = pinned
  }, [pinned])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      if (pinnedRef.current !== null) {
        setPinned(null)
        setHovered(null)
      } else if (isActive(runStore.getState())) {
        stopRun()
      } else {
        setHovered(null)
      }
    }
    const onPointerDown = (event: PointerEvent) => {
      if (pinnedRef.current === null || !(event.target instanceof Element)) return
      if (event.target.closest('[data-testid="token-details"], [data-index]')) return
      setPinned(null)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointerDown)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointerDown)
    }
  }, [])

  const findAnchor = useCallback(
    () =>
      shown === null ? null : (scrollRef.current?.querySelector(`[data-index="${shown}"]`) ?? null),
    [shown],
  )
  const nothingYet = run.promptCount === 0 && run.tokenCount === 0
  const empty = run.phase === 'idle' || (run.phase === 'failed' && nothingYet)

  return (
    <section aria-labelledby="output-title" className={`${card} flex min-h-0 flex-1 flex-col`}>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-100 px-4 py-2.5 dark:border-slate-800">
        <h2 id="output-title" className={cardTitle}>
          Tokens
        </h2>
        {!empty && (
          <span className={`text-xs tabular-nums ${mutedText}`}>
            {formatCount(run.promptCount)} prompt · {formatCount(run.tokenCount)} generated
          </span>
        )}
        <div className="ml-auto">
          <ProbabilityLegend />
        </div>
      </div>
      <div className="min-h-0 flex-1">
        {empty ? (
          <EmptyState onExample={onExample} />
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
            running={running}
            selected={shown}
            onHover={hover}
            onPick={(index) => setPinned((current) => (current === index ? null : index))}
            scrollRef={scrollRef}
          />
        )}
      </div>
      {token && shown !== null && (
        <TokenDetails
          token={token}
          index={shown}
          sampling={run.sampling}
          pinned={pinned !== null}
          findAnchor={findAnchor}
          onClose={() => setPinned(null)}
        />
      )}
    </section>
  )
}
