import { useState } from 'react'
import { useSavedText } from '../../hooks/useSavedText'
import { limits } from '../../../../shared/schemas'
import { CopyButton } from '../../components/CopyButton'
import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { card, cardTitle, mutedText } from '../../lib/ui'
import { engineStore } from '../../stores/stores'
import { TokenizerCompare } from './TokenizerCompare'
import { TokenizerDetails } from './TokenizerDetails'
import { countsOf } from './tokenizer-format'
import { TokenChips } from './TokenChips'
import { useTokenized } from './useTokenized'

const textKey = 'tokenscope.tokenizer.text'
const sample =
  'Tokenizers split text into pieces the model knows: "unbelievable" may be one token or three.\n' +
  'Numbers like 1234567 and code like `for (let i = 0; i < n; i++)` split differently, and so do ' +
  'accents (café), other scripts (日本語) and emoji 🙂.'

/** Learn: how the loaded model's own tokenizer splits any text. */
export function TokenizerView() {
  const [text, setText] = useSavedText(textKey, sample)
  const [specialTokens, setSpecialTokens] = useState(true)
  const [showIds, setShowIds] = useState(true)
  const [picked, setPicked] = useState<number | null>(null)
  const modelName = useStore(engineStore, (s) => s.status?.model?.name ?? null)
  const { tokens, current, error } = useTokenized(text, specialTokens)

  const counts = tokens ? countsOf(text, tokens) : null
  const selected = tokens && picked !== null ? (tokens[picked] ?? null) : null
  return (
    <main className="min-h-0 flex-1 overflow-auto p-4" data-testid="tokenizer-view">
      <div className="mx-auto flex max-w-6xl flex-col gap-4">
        <section className={`${card} p-4`} aria-labelledby="tokenizer-title">
          <h1 id="tokenizer-title" className="text-base font-semibold">
            Tokenizer
          </h1>
          <p className={`mt-1 text-sm ${mutedText}`}>
            How {modelName ? <b>{modelName}</b> : 'the loaded model'} splits text into tokens, the
            pieces it reads and predicts. Each chip is one token; the number under it is the ID the
            model sees.
          </p>
          <label htmlFor="tokenizer-input" className="sr-only">
            Text to tokenize
          </label>
          <textarea
            id="tokenizer-input"
            data-testid="tokenizer-input"
            value={text}
            maxLength={limits.promptChars}
            onChange={(event) => {
              setText(event.target.value)
              setPicked(null)
            }}
            rows={5}
            spellCheck={false}
            placeholder="Type or paste any text…"
            className="mt-3 block max-h-[40vh] min-h-24 w-full resize-y rounded-lg border border-slate-200 bg-transparent px-3 py-2 font-mono text-sm leading-6 focus:border-violet-400 focus:outline-none dark:border-slate-700"
          />
          <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <label className="inline-flex items-center gap-1.5">
              <input
                type="checkbox"
                data-testid="tokenizer-special"
                checked={specialTokens}
                onChange={(event) => setSpecialTokens(event.target.checked)}
              />
              Parse special tokens
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input
                type="checkbox"
                data-testid="tokenizer-show-ids"
                checked={showIds}
                onChange={(event) => setShowIds(event.target.checked)}
              />
              Show IDs
            </label>
            {counts && (
              <span
                data-testid="tokenizer-counts"
                className={`ml-auto tabular-nums ${mutedText} ${current ? '' : 'opacity-60'}`}
              >
                {formatCount(counts.characters)} characters · {formatCount(counts.tokens)} tokens
                {counts.perToken !== null && ` · ${counts.perToken.toFixed(2)} characters/token`}
                {counts.special > 0 && ` · ${counts.special} special`}
              </span>
            )}
            {tokens && tokens.length > 0 && (
              <CopyButton
                data-testid="tokenizer-copy-ids"
                label="Copy IDs"
                title="Copy the token IDs as a JSON array"
                text={() => JSON.stringify(tokens.map((t) => t.id))}
              />
            )}
          </div>
          {error && (
            <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
        </section>
        <div className="flex flex-col gap-4 lg:flex-row lg:items-start">
          <section className={`${card} min-w-0 flex-1 p-4`} aria-label="Tokens">
            <h2 className={cardTitle}>Tokens</h2>
            {tokens && tokens.length === 0 && (
              <p className={`mt-2 text-sm ${mutedText}`}>Type some text to see its tokens.</p>
            )}
            <TokenChips
              tokens={tokens ?? []}
              showIds={showIds}
              picked={picked}
              onPick={setPicked}
            />
          </section>
          <TokenizerDetails token={selected} index={picked} />
        </div>
        <TokenizerCompare text={text} specialTokens={specialTokens} showIds={showIds} />
      </div>
    </main>
  )
}
