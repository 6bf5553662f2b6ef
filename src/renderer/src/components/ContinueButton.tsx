import { useStore } from '../hooks/useStore'
import { branchStore } from '../inspector/stores'
import { secondaryButton } from '../lib/ui'
import { continueRun } from '../services/actions'
import { continueBlocker } from '../stores/branch-paths'
import { busyReason, notReadyReason } from '../stores/engine-reducer'
import { isActive } from '../stores/run-status'
import { engineStore, runStore } from '../stores/stores'

export const continueShortcut = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '')
  ? '⌘ ⇧ Enter'
  : 'Ctrl Shift Enter'

/** Why Continue cannot run now; null when it can. */
export function useContinueBlocker(): string | null {
  const running = useStore(runStore, isActive)
  const notReady = useStore(engineStore, notReadyReason)
  const busy = useStore(engineStore, (s) => busyReason(s, 'completion'))
  const blocker = useStore(branchStore, continueBlocker)
  if (running) return 'Wait for the run to finish'
  return notReady ?? busy ?? blocker
}

/** Continue: the shown text goes on from where it stopped. Hidden until there is a text. */
export function ContinueButton() {
  const hasText = useStore(branchStore, (tree) => tree.activeId !== null)
  const whyNot = useContinueBlocker()
  if (!hasText) return null
  return (
    <button
      type="button"
      data-testid="continue-button"
      className={`${secondaryButton} shrink-0 whitespace-nowrap`}
      disabled={whyNot !== null}
      title={whyNot ?? `Continue the text from where it stopped (${continueShortcut})`}
      onClick={continueRun}
    >
      Continue
    </button>
  )
}
