import { useMemo, useState } from 'react'
import { centered, pca2d, similarityMatrix } from '../../../../shared/embedding-math'
import { PlayIcon, StopIcon } from '../../components/Icons'
import { useSavedText } from '../../hooks/useSavedText'
import { useStore } from '../../hooks/useStore'
import { card, cardTitle, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { whyCannotStart } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'
import { EmbeddingMap } from './EmbeddingMap'
import { EmbeddingsAbout } from './EmbeddingsAbout'
import { parseList, readyLists } from './embedding-lists'
import { startEmbedding, stopEmbedding } from './embeddings-actions'
import { embeddingsStore } from './embeddings-store'
import { SimilarityMatrix } from './SimilarityMatrix'

const textKey = 'tokenscope.embeddings.list'
const firstList = readyLists[0]!.items.join('\n')

/** Learn: a list of words or phrases as the loaded model's vectors, compared pair by pair. */
export function EmbeddingsView() {
  const [text, setText] = useSavedText(textKey, firstList)
  const [centre, setCentre] = useState(false)
  const [selected, setSelected] = useState<number | null>(null)
  const state = useStore(embeddingsStore, (s) => s)
  const blocked = useStore(engineStore, (s) => whyCannotStart(s, 'embeddings'))
  const modelName = useStore(engineStore, (s) => s.status?.model?.name ?? null)
  const list = parseList(text)
  const running = state.phase === 'running'
  const canStart = !running && blocked === null && list.problem === null

  const labels = state.items.slice(0, state.vectors.length)
  const finished = state.phase !== 'running' && labels.length >= 2
  const matrix = useMemo(
    () => (finished ? similarityMatrix(centre ? centered(state.vectors) : state.vectors) : null),
    [finished, centre, state.vectors],
  )
  const map = useMemo(() => (finished ? pca2d(state.vectors) : null), [finished, state.vectors])

  const start = (items = list.items) => {
    setSelected(null)
    void startEmbedding(items)
  }
  const pick = (items: string[]) => {
    setText(items.join('\n'))
    if (blocked === null && !running) start(items)
  }
  return (
    <main className="min-h-0 flex-1 overflow-auto p-4" data-testid="embeddings-view">
      <div className="mx-auto flex max-w-7xl flex-col gap-4">
        <section className={`${card} p-4`} aria-labelledby="embeddings-title">
          <h1 id="embeddings-title" className="text-base font-semibold">
            Embeddings
          </h1>
          <p className={`mt-1 text-sm ${mutedText}`}>
            {modelName ? <b>{modelName}</b> : 'The loaded model'} turns each line into one long
            vector of numbers. Compare them pair by pair (cosine similarity) and see them on a flat
            map.
          </p>
          <div
            className="mt-3 flex flex-wrap items-center gap-2"
            role="group"
            aria-label="Ready-made lists"
          >
            <span className={`text-sm ${mutedText}`}>Try:</span>
            {readyLists.map((ready) => (
              <button
                key={ready.id}
                type="button"
                data-testid={`embeddings-list-${ready.id}`}
                className={`${secondaryButton} h-7 text-xs`}
                onClick={() => pick(ready.items)}
              >
                {ready.label}
              </button>
            ))}
          </div>
          <label htmlFor="embeddings-input" className="mt-3 block text-sm font-medium">
            Words or phrases, one per line
          </label>
          <textarea
            id="embeddings-input"
            data-testid="embeddings-input"
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && canStart) {
                event.preventDefault()
                start()
              }
            }}
            rows={4}
            spellCheck={false}
            className="mt-1 block max-h-[40vh] min-h-24 w-full resize-y rounded-lg border border-slate-200 bg-transparent px-3 py-2 font-mono text-sm leading-6 focus:border-violet-400 focus:outline-none dark:border-slate-700"
          />
          <div className="mt-2 flex flex-wrap items-center gap-3 text-sm">
            {running ? (
              <button
                type="button"
                data-testid="embeddings-stop"
                className={secondaryButton}
                onClick={stopEmbedding}
              >
                <StopIcon /> Stop
              </button>
            ) : (
              <button
                type="button"
                data-testid="embeddings-run"
                className={primaryButton}
                disabled={!canStart}
                title={blocked ?? list.problem ?? 'Ctrl/Cmd+Enter'}
                onClick={() => start()}
              >
                <PlayIcon /> Compare
              </button>
            )}
            {running && (
              <span
                className="flex items-center gap-2"
                role="status"
                data-testid="embeddings-progress"
              >
                <progress
                  max={state.items.length}
                  value={state.vectors.length}
                  className="h-2 w-32 accent-violet-600"
                />
                <span className={`tabular-nums ${mutedText}`}>
                  {state.vectors.length} of {state.items.length} embedded
                </span>
              </span>
            )}
            <span className={`ml-auto ${mutedText}`}>
              {list.items.length} {list.items.length === 1 ? 'item' : 'items'}
            </span>
          </div>
          {list.problem && list.items.length > 0 && (
            <p className={`mt-2 text-sm ${mutedText}`} data-testid="embeddings-problem">
              {list.problem}
            </p>
          )}
          {blocked && !running && <p className={`mt-2 text-sm ${mutedText}`}>{blocked}.</p>}
          {state.error && (
            <div
              role="alert"
              data-testid="embeddings-error"
              className="mt-2 text-sm text-red-700 dark:text-red-300"
            >
              <p className="font-medium">{state.error.message}</p>
              {state.error.hint && <p>{state.error.hint}</p>}
            </div>
          )}
        </section>
        {matrix && map ? (
          <div className="flex flex-wrap items-start gap-4">
            <section
              className={`${card} max-w-full min-w-0 flex-auto p-4`}
              aria-labelledby="embeddings-matrix-title"
            >
              <div className="flex flex-wrap items-center gap-3">
                <h2 id="embeddings-matrix-title" className={cardTitle}>
                  Cosine similarity
                </h2>
                <label
                  className="ml-auto inline-flex items-center gap-1.5 text-sm"
                  title="Take out what every vector of this list shares, and compare what is left"
                >
                  <input
                    type="checkbox"
                    data-testid="embeddings-centre"
                    checked={centre}
                    onChange={(event) => setCentre(event.target.checked)}
                  />
                  Subtract the list&apos;s average vector
                </label>
              </div>
              <div className="mt-2">
                <SimilarityMatrix
                  labels={labels}
                  matrix={matrix}
                  selected={selected}
                  onSelect={setSelected}
                />
              </div>
            </section>
            <section
              className={`${card} max-w-full min-w-[20rem] flex-1 basis-96 p-4`}
              aria-labelledby="embeddings-map-title"
            >
              <h2 id="embeddings-map-title" className={cardTitle}>
                Map (PCA)
              </h2>
              <div className="mt-2">
                <EmbeddingMap
                  labels={labels}
                  map={map}
                  selected={selected}
                  onSelect={setSelected}
                />
              </div>
            </section>
          </div>
        ) : (
          state.phase === 'idle' && (
            <p className={`px-1 text-sm ${mutedText}`} data-testid="embeddings-empty">
              Pick a ready-made list or write your own, then press Compare.
            </p>
          )
        )}
        <EmbeddingsAbout state={state} />
      </div>
    </main>
  )
}
