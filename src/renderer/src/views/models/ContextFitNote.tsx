import type { MemoryFit } from '../../../../shared/models'
import { AlertIcon } from '../../components/Icons'
import { formatCount } from '../../lib/format'
import { mutedText } from '../../lib/ui'

/**
 * The chosen context against the one the model was trained on: memory can fit a context the
 * model cannot use, so going past it is flagged apart from the memory verdict.
 */
export function ContextFitNote({ fit }: { fit: MemoryFit }) {
  const trained = fit.trainedContextSize
  if (trained === null) return null
  if (!fit.contextWarning) {
    return (
      <p data-testid="context-fit" data-beyond="false" className={`text-xs ${mutedText}`}>
        Within the {formatCount(trained)} tokens of context it was trained on.
      </p>
    )
  }
  return (
    <div
      role="note"
      data-testid="context-fit"
      data-beyond="true"
      className="flex gap-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm leading-snug text-amber-950 dark:border-amber-700/70 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <AlertIcon className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400" />
      <p>
        <span className="font-semibold">Beyond the trained context. </span>
        {fit.contextWarning}
      </p>
    </div>
  )
}
