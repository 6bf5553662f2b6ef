import { useMemo, useState, type ReactNode } from 'react'
import { PlayIcon } from '../../components/Icons'
import { useSavedText } from '../../hooks/useSavedText'
import { useStore } from '../../hooks/useStore'
import { card, focusRing, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { whyCannotStart } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { engineStore } from '../../stores/stores'
import { EmbeddingStep, IdsStep, TextStep, TokensStep } from './PipelineInputSteps'
import { LayersStep, LogitsStep, ProbabilitiesStep } from './PipelineModelSteps'
import { NextTokenStep, SamplerStep } from './PipelineSamplerSteps'
import { pipelineFactsStore, pipelineRunStore, startPipeline } from './pipeline-actions'
import { pipelineSteps, type PipelineData, type PipelineStepId } from './pipeline-steps'

const textKey = 'tokenscope.pipeline.text'
const sample = 'The cat sat on the'

const stepBodies: Record<PipelineStepId, (props: { data: PipelineData }) => ReactNode> = {
  text: TextStep,
  tokens: TokensStep,
  ids: IdsStep,
  embedding: EmbeddingStep,
  layers: LayersStep,
  logits: LogitsStep,
  probabilities: ProbabilitiesStep,
  sampler: SamplerStep,
  next: NextTokenStep,
}

/** Learn: one sentence through the loaded model, step by step, with this model's own numbers. */
export function PipelineView() {
  const [text, setText] = useSavedText(textKey, sample)
  const [step, setStep] = useState(0)
  const run = useStore(pipelineRunStore, (s) => s)
  const facts = useStore(pipelineFactsStore, (s) => s)
  const blocked = useStore(engineStore, (s) => whyCannotStart(s, 'pipeline'))
  const model = useStore(engineStore, (s) => s.status?.model ?? null)
  const running = isActive(run)
  const canStart = !running && blocked === null && text.trim() !== ''

  const prompt = useMemo(() => run.prompt.flat(), [run.prompt])
  const token = run.tokens[0]?.[0]
  const data: PipelineData | null =
    token && run.sampling && model
      ? {
          text: run.promptText,
          modelName: model.name,
          vocabSize: model.vocabSize,
          prompt,
          token,
          sampling: run.sampling,
          facts,
        }
      : null
  const current = pipelineSteps[step] ?? pipelineSteps[0]
  const Body = stepBodies[current.id]
  const go = (index: number) => setStep(Math.max(0, Math.min(pipelineSteps.length - 1, index)))
  const start = () => {
    if (!canStart) return
    setStep(0)
    startPipeline(text)
  }

  return (
    <main className="min-h-0 flex-1 overflow-auto p-4" data-testid="pipeline-view">
      <div className="mx-auto flex max-w-6xl flex-col gap-4">
        <section className={`${card} p-4`} aria-labelledby="pipeline-title">
          <h1 id="pipeline-title" className="text-base font-semibold">
            Pipeline walk-through
          </h1>
          <p className={`mt-1 text-sm ${mutedText}`}>
            Follow one short sentence through {model ? <b>{model.name}</b> : 'the loaded model'},
            from text to the next token, with the real numbers of this model at every step. The
            sampling panel&apos;s settings pick the token.
          </p>
          <form
            className="mt-3 flex flex-wrap items-center gap-2"
            onSubmit={(event) => {
              event.preventDefault()
              start()
            }}
          >
            <label htmlFor="pipeline-input" className="sr-only">
              A short sentence
            </label>
            <input
              id="pipeline-input"
              data-testid="pipeline-input"
              value={text}
              maxLength={300}
              onChange={(event) => setText(event.target.value)}
              spellCheck={false}
              className="h-9 min-w-0 flex-1 rounded-lg border border-slate-200 bg-transparent px-3 font-mono text-sm focus:border-violet-400 focus:outline-none dark:border-slate-700"
            />
            <button
              type="submit"
              data-testid="pipeline-run"
              className={primaryButton}
              disabled={!canStart}
              title={blocked ?? undefined}
            >
              <PlayIcon /> Walk through
            </button>
          </form>
          {blocked && !running && <p className={`mt-2 text-sm ${mutedText}`}>{blocked}.</p>}
          {run.error && (
            <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
              {run.error.message}
              {run.error.hint && ` ${run.error.hint}`}
            </p>
          )}
        </section>
        {data ? (
          <div className="flex flex-col gap-4 md:flex-row md:items-start">
            <nav aria-label="Steps" className="shrink-0 md:w-48">
              <ol className="flex flex-wrap gap-1 md:flex-col">
                {pipelineSteps.map((s, i) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      data-testid={`pipeline-step-${s.id}`}
                      aria-current={i === step ? 'step' : undefined}
                      onClick={() => go(i)}
                      className={`flex w-full items-center gap-2 rounded-lg px-2 py-1 text-left text-sm ${focusRing} ${i === step ? 'bg-violet-100 font-medium text-violet-900 dark:bg-violet-900/60 dark:text-violet-100' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
                    >
                      <span className="w-4 text-right text-xs tabular-nums opacity-70">
                        {i + 1}
                      </span>
                      {s.title}
                    </button>
                  </li>
                ))}
              </ol>
            </nav>
            <section
              className={`${card} min-w-0 flex-1 p-4 text-sm leading-6`}
              aria-labelledby="pipeline-step-title"
              data-testid="pipeline-step"
              data-step={current.id}
              tabIndex={-1}
              onKeyDown={(event) => {
                if (event.key === 'ArrowRight') go(step + 1)
                else if (event.key === 'ArrowLeft') go(step - 1)
              }}
            >
              <h2 id="pipeline-step-title" className="mb-2 text-base font-semibold">
                {step + 1}. {current.title}
              </h2>
              <Body data={data} />
              <div className="mt-5 flex items-center gap-2">
                <button
                  type="button"
                  data-testid="pipeline-back"
                  className={secondaryButton}
                  disabled={step === 0}
                  onClick={() => go(step - 1)}
                >
                  ← Back
                </button>
                <button
                  type="button"
                  data-testid="pipeline-next-step"
                  className={secondaryButton}
                  disabled={step === pipelineSteps.length - 1}
                  onClick={() => go(step + 1)}
                >
                  Next →
                </button>
                <span className={`ml-auto text-xs ${mutedText}`}>← → keys step too</span>
              </div>
            </section>
          </div>
        ) : (
          <p className={`px-1 text-sm ${mutedText}`} data-testid="pipeline-empty">
            {running
              ? 'Reading the sentence…'
              : 'Type a short sentence and press Walk through: the model reads it once and picks the next token, and each step shows what happened on the way.'}
          </p>
        )}
      </div>
    </main>
  )
}
