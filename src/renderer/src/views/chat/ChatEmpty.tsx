import { Spinner } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { mutedText, secondaryButton } from '../../lib/ui'
import { canGenerate, isLoadingModel } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'

export interface ChatEmptyProps {
  onExample: (question: string) => void
}

const examples = ['What is a token?', 'How does the model pick the next word?', 'What is top-p?']

/** An empty conversation: what the view does, and questions to start with. */
export function ChatEmpty({ onExample }: ChatEmptyProps) {
  const ready = useStore(engineStore, canGenerate)
  const loading = useStore(engineStore, isLoadingModel)
  return (
    <div
      data-testid="chat-empty"
      className="flex h-full flex-col items-center justify-center px-6 py-10 text-center"
    >
      <h2 className="text-base font-semibold">Chat with the model, and see every token</h2>
      <p className={`mt-2 max-w-md text-sm leading-relaxed ${mutedText}`}>
        Your messages are wrapped in the model’s own chat template. Each reply appears as chips
        tinted by how likely the model thought each token was; hover or click one for its
        alternatives. Everything is saved as you go.
      </p>
      {loading ? (
        <p
          role="status"
          className="mt-6 flex items-center gap-2 text-sm font-medium text-violet-700 dark:text-violet-300"
        >
          <Spinner /> Loading demo model…
        </p>
      ) : (
        <div className="mt-6 flex flex-wrap justify-center gap-2">
          <span className={`self-center text-xs ${mutedText}`}>Try:</span>
          {examples.map((example) => (
            <button
              key={example}
              type="button"
              data-testid="chat-example"
              className={secondaryButton}
              disabled={!ready}
              onClick={() => onExample(example)}
            >
              {example}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
