import { useStore } from '../hooks/useStore'
import { loadDemoModel } from '../services/actions'
import { canGenerate, isLoadingModel } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'
import { mutedText, secondaryButton } from '../lib/ui'
import { Spinner } from './Icons'

export interface EmptyStateProps {
  onExample: (prompt: string) => void
}

const examples = ['The model predicts', 'A token is']

/** What the output area shows before the first run: how to start, and the model's state. */
export function EmptyState({ onExample }: EmptyStateProps) {
  const loading = useStore(engineStore, isLoadingModel)
  const ready = useStore(engineStore, canGenerate)
  const loadFailed = useStore(
    engineStore,
    (s) => s.demoLoad === 'failed' && s.status?.model === null,
  )
  return (
    <div className="flex h-full flex-col items-center justify-center px-6 py-10 text-center">
      <h2 className="text-base font-semibold">See what the model does, token by token</h2>
      <p className={`mt-2 max-w-md text-sm leading-relaxed ${mutedText}`}>
        Write a prompt and press Generate. Every token the model writes appears as a chip tinted by
        how likely the model thought it was. Hover or click one to see the alternatives it weighed.
      </p>
      {loading ? (
        <p
          className="mt-6 flex items-center gap-2 text-sm font-medium text-violet-700 dark:text-violet-300"
          role="status"
        >
          <Spinner /> Loading demo model…
        </p>
      ) : loadFailed ? (
        <button type="button" className={`${secondaryButton} mt-6`} onClick={loadDemoModel}>
          Try loading the demo model again
        </button>
      ) : (
        <div className="mt-6 flex flex-wrap justify-center gap-2">
          <span className={`self-center text-xs ${mutedText}`}>Try:</span>
          {examples.map((example) => (
            <button
              key={example}
              type="button"
              data-testid="example-prompt"
              className={`${secondaryButton} font-mono text-[13px]`}
              disabled={!ready}
              onClick={() => onExample(example)}
            >
              {example}…
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
