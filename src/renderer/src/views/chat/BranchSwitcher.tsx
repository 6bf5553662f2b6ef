import { ChevronIcon } from '../../sessions/SessionIcons'
import { ghostButton, mutedText } from '../../lib/ui'

export interface BranchSwitcherProps {
  position: number
  count: number
  disabled: boolean
  onStep: (step: -1 | 1) => void
}

/** ‹ 2/3 ›: the versions of a message (edits or regenerations), all kept. */
export function BranchSwitcher({ position, count, disabled, onStep }: BranchSwitcherProps) {
  if (count < 2) return null
  const button = `${ghostButton} h-6 w-6 px-0`
  return (
    <span data-testid="branch-switcher" className={`inline-flex items-center text-xs ${mutedText}`}>
      <button
        type="button"
        data-testid="branch-prev"
        className={button}
        disabled={disabled || position <= 1}
        onClick={() => onStep(-1)}
        aria-label="Previous version"
        title="Previous version"
      >
        <ChevronIcon left />
      </button>
      <span data-testid="branch-position" className="min-w-8 text-center tabular-nums">
        {position}/{count}
      </span>
      <button
        type="button"
        data-testid="branch-next"
        className={button}
        disabled={disabled || position >= count}
        onClick={() => onStep(1)}
        aria-label="Next version"
        title="Next version"
      >
        <ChevronIcon />
      </button>
    </span>
  )
}
