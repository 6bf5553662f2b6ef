import { useCallback, useEffect, useRef, useState } from 'react'
import { Spinner } from '../../components/Icons'
import { TokenDetails } from '../../components/TokenDetails'
import { TokenStream } from '../../components/TokenStream'
import { mutedText } from '../../lib/ui'
import { generatedTokenAt, isActive, type RunState } from '../../stores/run-reducer'

export interface ColumnTokensProps {
  run: RunState
}

/** One column's token chips; hover shows a token's details, a click pins them. */
export function ColumnTokens({ run }: ColumnTokensProps) {
  const [hovered, setHovered] = useState<number | null>(null)
  const [pinned, setPinned] = useState<number | null>(null)
  const [selectionRun, setSelectionRun] = useState(run.runId)
  const scrollRef = useRef<HTMLDivElement>(null)
  const boxRef = useRef<HTMLDivElement>(null)

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

  const isPinned = pinned !== null
  useEffect(() => {
    if (!isPinned) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setPinned(null)
      setHovered(null)
    }
    const onPointerDown = (event: PointerEvent) => {
      if (!(event.target instanceof Element)) return
      if (event.target.closest('[data-testid="token-details"]')) return
      // A click on a chip of this column is handled by the stream; elsewhere it unpins.
      if (boxRef.current?.contains(event.target) && event.target.closest('[data-index]')) return
      setPinned(null)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointerDown)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointerDown)
    }
  }, [isPinned])
  useEffect(
    () => () => {
      if (leaveTimer.current) clearTimeout(leaveTimer.current)
    },
    [],
  )

  const findAnchor = useCallback(
    () =>
      shown === null ? null : (scrollRef.current?.querySelector(`[data-index="${shown}"]`) ?? null),
    [shown],
  )

  const nothingYet = run.promptCount === 0 && run.tokenCount === 0
  return (
    <div ref={boxRef} className="h-full">
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
          onPick={(index) => setPinned((current) => (current === index ? null : index))}
          scrollRef={scrollRef}
        />
      )}
      {token && shown !== null && (
        <TokenDetails
          token={token}
          index={shown}
          count={run.tokenCount}
          sampling={run.sampling}
          pinned={pinned !== null}
          findAnchor={findAnchor}
          onClose={() => setPinned(null)}
        />
      )}
    </div>
  )
}
