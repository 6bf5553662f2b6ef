import { CloseIcon } from '../components/Icons'
import { ghostButton, mutedText } from '../lib/ui'

export interface InspectorPlaceholderProps {
  onClose: () => void
}

/**
 * The docked inspector before a token is picked. The column stays put, so picking a token fills
 * it instead of narrowing the transcript, which would lay out and paint every line again.
 */
export function InspectorPlaceholder({ onClose }: InspectorPlaceholderProps) {
  return (
    <aside
      data-testid="inspector-placeholder"
      aria-label="Token inspector"
      className="flex min-h-0 flex-1 flex-col border-slate-100 lg:border-l dark:border-slate-800"
    >
      <div className="flex items-center justify-end px-2 py-1.5">
        <button
          type="button"
          data-testid="inspector-hide"
          className={`${ghostButton} h-7 w-7 px-0`}
          onClick={onClose}
          title="Hide the inspector (clicking a token brings it back)"
          aria-label="Hide the inspector"
        >
          <CloseIcon />
        </button>
      </div>
      <div className={`px-5 pb-6 text-sm ${mutedText}`}>
        <p className="font-medium text-slate-700 dark:text-slate-200">Inspect a token</p>
        <p className="mt-1.5 leading-relaxed">
          Click any token to see its ID, its bytes, the model’s and the sampler’s probability, the
          alternatives it beat, and the Sampling Lab for that step. ←/→ then step through the
          tokens.
        </p>
      </div>
    </aside>
  )
}
