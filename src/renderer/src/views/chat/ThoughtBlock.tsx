import { useId, useState, type ReactNode } from 'react'
import { Spinner } from '../../components/Icons'
import { countOf } from '../../lib/format'
import { focusRing, mutedText } from '../../lib/ui'
import { ChevronIcon } from '../../sessions/SessionIcons'

export interface ThoughtBlockProps {
  tokenCount: number
  /** The model is still writing its reasoning. */
  thinking: boolean
  /** The answer has begun: the reasoning folds away unless the reader opened it. */
  answered: boolean
  /** A token inside the reasoning is selected: keep it visible. */
  holdsSelection: boolean
  children: ReactNode
}

/**
 * A reply's reasoning, folded away once the answer begins. It stays open while the model thinks,
 * and opens by itself when the inspector selects one of its tokens.
 */
export function ThoughtBlock(props: ThoughtBlockProps) {
  const { tokenCount, thinking, children } = props
  const [chosen, setChosen] = useState<boolean | null>(null)
  const open = props.holdsSelection || (chosen ?? !props.answered)
  const regionId = useId()
  return (
    <div
      data-testid="thought"
      data-open={open}
      className="border-b border-dashed border-slate-200 dark:border-slate-700"
    >
      <button
        type="button"
        data-testid="thought-toggle"
        aria-expanded={open}
        aria-controls={regionId}
        onClick={() => setChosen(!open)}
        className={`flex w-full items-center gap-1.5 rounded-t-2xl px-4 py-2 text-left text-xs font-medium ${mutedText} hover:text-slate-800 dark:hover:text-slate-200 ${focusRing}`}
      >
        <ChevronIcon className={`size-3.5 transition-transform ${open ? 'rotate-90' : ''}`} />
        {thinking ? (
          <>
            <Spinner className="size-3.5" /> Thinking…
          </>
        ) : (
          'Thinking'
        )}
        <span data-testid="thought-count" className="ml-auto font-normal tabular-nums">
          {countOf(tokenCount, 'token')}
        </span>
      </button>
      <div
        id={regionId}
        hidden={!open}
        className="bg-slate-50/70 italic dark:bg-slate-950/40 [&>div]:max-h-64"
      >
        {children}
      </div>
    </div>
  )
}
