import { useStore } from '../hooks/useStore'
import { secondaryButton } from '../lib/ui'
import { needsModel } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'
import { AlertIcon } from './Icons'

const what = {
  completion: 'Generate',
  chat: 'Send',
  compare: 'Generate',
  tokenizer: 'see its tokens',
  score: 'score a text',
  embeddings: 'compare embeddings',
  pipeline: 'walk through the pipeline',
} as const

/** Shown in a view that needs a model while none is loaded (and none is loading). */
export function NoModelBanner({ view }: { view: keyof typeof what }) {
  const show = useStore(engineStore, needsModel)
  if (!show) return null
  return (
    <div
      role="status"
      data-testid="no-model-banner"
      className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-950 dark:border-amber-900 dark:bg-amber-950/60 dark:text-amber-100"
    >
      <AlertIcon className="shrink-0 text-amber-600 dark:text-amber-400" />
      <p className="min-w-0 flex-1">
        <span className="font-medium">No model is loaded.</span>{' '}
        <span className="text-amber-800 dark:text-amber-200/80">
          Load one (or the built-in demo model) to {what[view]}; what you type here is kept.
        </span>
      </p>
      <a
        href="#models"
        data-testid="no-model-go"
        className={`${secondaryButton} -my-1 h-7 shrink-0 text-xs`}
      >
        Open Models
      </a>
    </div>
  )
}
