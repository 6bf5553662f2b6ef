import { useStore } from '../../hooks/useStore'
import { useSavedText } from '../../hooks/useSavedText'
import { formatCount } from '../../lib/format'
import { card, cardTitle, focusRing, ghostButton, mutedText, secondaryButton } from '../../lib/ui'
import { engineStore } from '../../stores/stores'
import { demoKey, useKnownModels, type KnownModel } from './known-models'
import { TokenChips } from './TokenChips'
import { countsOf } from './tokenizer-format'
import { useTokenizedWith } from './useTokenizedWith'

const choicesKey = 'tokenscope.tokenizer.compare'
const maxColumns = 3

export interface TokenizerCompareProps {
  text: string
  specialTokens: boolean
  showIds: boolean
}

/** The same text under two or three GGUF files' tokenizers, side by side. */
export function TokenizerCompare({ text, specialTokens, showIds }: TokenizerCompareProps) {
  const models = useKnownModels()
  const loaded = useStore(engineStore, (s) => s.status?.model ?? null)
  const firstKey = loaded && !loaded.isDemo ? loaded.path : demoKey
  const [saved, setSaved] = useSavedText(choicesKey, JSON.stringify([firstKey, '']))
  const choices = parseChoices(saved)
  const setChoice = (column: number, key: string) =>
    setSaved(JSON.stringify(choices.map((c, i) => (i === column ? key : c))))
  return (
    <section
      className={`${card} p-4`}
      aria-labelledby="compare-title"
      data-testid="tokenizer-compare"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="compare-title" className={cardTitle}>
          Compare tokenizers
        </h2>
        {choices.length < maxColumns && (
          <button
            type="button"
            data-testid="compare-add"
            className={`${ghostButton} ml-auto`}
            onClick={() => setSaved(JSON.stringify([...choices, '']))}
          >
            + Add a third
          </button>
        )}
      </div>
      <p className={`mt-1 text-sm ${mutedText}`}>
        The same text, split by other models’ tokenizers. Only each file’s vocabulary is read, not
        its weights, so even a large model opens in a moment, and the model you have loaded is not
        touched. Fewer tokens for the same text means more text fits in the context and generating
        it takes fewer steps.
      </p>
      <div
        className={`mt-3 grid grid-cols-1 gap-3 ${choices.length === 3 ? 'md:grid-cols-3' : 'md:grid-cols-2'}`}
      >
        {choices.map((choice, i) => (
          <CompareColumn
            key={i}
            index={i}
            models={models}
            choice={choice}
            onChoose={(key) => setChoice(i, key)}
            onRemove={
              choices.length > 2
                ? () => setSaved(JSON.stringify(choices.filter((_, j) => j !== i)))
                : undefined
            }
            text={text}
            specialTokens={specialTokens}
            showIds={showIds}
          />
        ))}
      </div>
    </section>
  )
}

function CompareColumn(props: {
  index: number
  models: KnownModel[]
  choice: string
  onChoose: (key: string) => void
  onRemove?: () => void
  text: string
  specialTokens: boolean
  showIds: boolean
}) {
  const { index, models, choice, onChoose, onRemove, text, specialTokens, showIds } = props
  const known = models.find((m) => m.key === choice) ?? null
  const source = known?.source ?? (choice !== '' ? { kind: 'file' as const, path: choice } : null)
  const { tokens, error, pending } = useTokenizedWith(source, text, specialTokens)
  const counts = tokens ? countsOf(text, tokens) : null
  const selectId = `compare-model-${index}`
  return (
    <div
      className="flex min-w-0 flex-col rounded-lg border border-slate-200 p-3 dark:border-slate-700"
      data-testid="compare-column"
      data-state={error ? 'error' : tokens && !pending ? 'ready' : source ? 'loading' : 'empty'}
    >
      <div className="flex items-center gap-2">
        <label htmlFor={selectId} className="sr-only">
          Tokenizer of column {index + 1}
        </label>
        <select
          id={selectId}
          data-testid="compare-model"
          value={choice}
          onChange={(event) => onChoose(event.target.value)}
          className={`h-8 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 text-sm dark:border-slate-700 dark:bg-slate-950 ${focusRing}`}
        >
          <option value="">Choose a model file…</option>
          {models.map((m) => (
            <option key={m.key} value={m.key}>
              {m.label}
            </option>
          ))}
          {choice !== '' && !known && <option value={choice}>{choice}</option>}
        </select>
        {onRemove && (
          <button
            type="button"
            className={secondaryButton}
            aria-label={`Remove column ${index + 1}`}
            title="Remove this column"
            onClick={onRemove}
          >
            ×
          </button>
        )}
      </div>
      {source === null && (
        <p className={`mt-2 text-sm ${mutedText}`}>
          Pick a model file to see its tokens. Files in the models folder and models you loaded
          before are listed; add more in the Models tab.
        </p>
      )}
      {error && (
        <p
          role="alert"
          data-testid="compare-error"
          className="mt-2 text-sm text-red-700 dark:text-red-300"
        >
          {error}
        </p>
      )}
      {source !== null && !error && !tokens && (
        <p className={`mt-2 text-sm ${mutedText}`}>Reading the vocabulary…</p>
      )}
      {counts && !error && (
        <>
          <p
            data-testid="compare-counts"
            data-tokens={counts.tokens}
            className={`mt-2 text-xs tabular-nums ${mutedText} ${pending ? 'opacity-60' : ''}`}
          >
            {formatCount(counts.characters)} characters · {formatCount(counts.tokens)} tokens
            {counts.perToken !== null && ` · ${counts.perToken.toFixed(2)} characters/token`}
            {counts.special > 0 && ` · ${counts.special} special`}
          </p>
          <TokenChips
            tokens={tokens ?? []}
            showIds={showIds}
            picked={null}
            testIds={{ list: 'compare-tokens', chip: 'compare-token' }}
            listClassName="max-h-96 overflow-auto"
          />
        </>
      )}
    </div>
  )
}

function parseChoices(saved: string): string[] {
  try {
    const parsed: unknown = JSON.parse(saved)
    if (Array.isArray(parsed)) {
      const strings = parsed.filter((c): c is string => typeof c === 'string').slice(0, maxColumns)
      while (strings.length < 2) strings.push('')
      return strings
    }
  } catch {
    // A damaged saved choice starts over.
  }
  return [demoKey, '']
}
