import { useMemo, useState } from 'react'
import { useSavedText } from '../../hooks/useSavedText'
import type { ChainSettings } from '../../../../shared/lab'
import { defaultSampling, limits } from '../../../../shared/schemas'
import { PlayIcon, StopIcon } from '../../components/Icons'
import { ProbabilityLegend } from '../../components/ProbabilityLegend'
import { useStore } from '../../hooks/useStore'
import { TokenInspector } from '../../inspector/TokenInspector'
import { inspectorPrefsStore } from '../../inspector/stores'
import { countOf, formatCount } from '../../lib/format'
import { card, cardTitle, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { whyCannotStart } from '../../stores/engine-reducer'
import { isActive } from '../../stores/run-reducer'
import { engineStore } from '../../stores/stores'
import { InfluencePanel } from './InfluencePanel'
import { LossTable } from './LossTable'
import { branchFromScore } from './score-branch'
import { scoreStore, startScoring, stopScoring } from './score-actions'
import { ScoreModeSwitch } from './ScoreModeSwitch'
import { ScoreSummary } from './ScoreSummary'
import { ScoreTokens, type ScoreMode } from './ScoreTokens'
import { rankBands } from './score-stats'

const textKey = 'tokenscope.score.text'
const sample =
  'The cat sat on the mat. A language model reads a text one token at a time and, at every ' +
  'step, gives each possible next token a probability. Scoring a text shows how surprised it ' +
  'was by each token that really came next.'

/** Learn: any text, read by the model, every token with the probability it gave it. */
export function ScoreView() {
  const [text, setText] = useSavedText(textKey, sample)
  const [mode, setMode] = useState<ScoreMode>('probability')
  const [span, setSpan] = useState<{ anchor: number; focus: number } | null>(null)
  const [lab, setLab] = useState<ChainSettings | null>(null)
  const [shownRun, setShownRun] = useState<string | null>(null)
  const run = useStore(scoreStore, (s) => s)
  const blocked = useStore(engineStore, (s) => whyCannotStart(s, 'score'))
  const modelName = useStore(engineStore, (s) => s.status?.model?.name ?? null)
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const running = isActive(run)
  // A new scoring drops the old selection.
  if (shownRun !== run.runId) {
    setShownRun(run.runId)
    setSpan(null)
  }
  const first = useMemo(() => run.prompt.flat(), [run.prompt])
  const tokens = useMemo(() => run.tokens.flat(), [run.tokens])

  const canStart = !running && blocked === null && text.trim() !== ''
  const score = () => canStart && startScoring(text)
  const range = span && {
    from: Math.min(span.anchor, span.focus),
    to: Math.max(span.anchor, span.focus),
  }
  const picked = span ? tokens[span.focus] : undefined
  const move = (delta: number) =>
    setSpan((s) => {
      const next = Math.min(tokens.length - 1, Math.max(0, (s?.focus ?? 0) + delta))
      return { anchor: next, focus: next }
    })
  return (
    <main className="min-h-0 flex-1 overflow-auto p-4" data-testid="score-view">
      <div className="mx-auto grid max-w-7xl grid-cols-1 gap-4 wide:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col gap-4">
          <section className={`${card} p-4`} aria-labelledby="score-title">
            <h1 id="score-title" className="text-base font-semibold">
              Score a text
            </h1>
            <p className={`mt-1 text-sm ${mutedText}`}>
              {modelName ? <b>{modelName}</b> : 'The loaded model'} reads your text one token at a
              time, as in training: at each step it gives every possible next token a probability,
              and we look up the one that really came next. Low probability means surprise; the mean
              surprise (in nats) is the loss, and e to the loss is the perplexity.
            </p>
            <label htmlFor="score-input" className="sr-only">
              Text to score
            </label>
            <textarea
              id="score-input"
              data-testid="score-input"
              value={text}
              maxLength={limits.promptChars}
              rows={5}
              spellCheck={false}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault()
                  score()
                }
              }}
              placeholder="Paste any text: the model tells you how likely it found each token."
              className="mt-3 block max-h-[40vh] min-h-24 w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm leading-6 dark:border-slate-700 dark:bg-slate-950"
            />
            <div className="mt-2 flex flex-wrap items-center gap-3">
              <button
                type="button"
                data-testid="score-button"
                className={primaryButton}
                disabled={!canStart}
                title={blocked ?? (text.trim() === '' ? 'Type a text first' : 'Ctrl/⌘ Enter')}
                onClick={score}
              >
                <PlayIcon /> Score
              </button>
              {running && (
                <button
                  type="button"
                  data-testid="score-stop"
                  className={secondaryButton}
                  disabled={run.stopping}
                  onClick={stopScoring}
                >
                  <StopIcon className="text-red-600 dark:text-red-400" />{' '}
                  {run.stopping ? 'Stopping…' : 'Stop'}
                </button>
              )}
              <span
                data-testid="score-state"
                data-phase={run.phase}
                data-stop-reason={run.stopReason ?? undefined}
                className={`text-xs tabular-nums ${mutedText}`}
              >
                {run.phase === 'starting' && 'Reading the text…'}
                {run.phase === 'running' && `${formatCount(tokens.length)} tokens read…`}
                {run.phase === 'ended' &&
                  (run.stopReason === 'cancelled'
                    ? `Stopped after ${formatCount(tokens.length)} tokens`
                    : run.stopReason === 'context-full'
                      ? `The context holds only the first ${formatCount(tokens.length + 1)} tokens`
                      : 'Done')}
                {run.phase === 'failed' && (run.error?.message ?? 'Scoring failed')}
              </span>
              <span className={`ml-auto text-xs tabular-nums ${mutedText}`}>
                {countOf(text.length, 'char')}
              </span>
            </div>
          </section>
          {tokens.length > 0 && (
            <section className={`${card} p-4`} aria-labelledby="scored-title">
              <div className="mb-3 flex flex-wrap items-center gap-x-4 gap-y-2">
                <h2 id="scored-title" className={cardTitle}>
                  What the model expected
                </h2>
                <ScoreSummary tokens={tokens} />
                <div className="ml-auto flex flex-wrap items-center gap-2">
                  <ScoreModeSwitch mode={mode} onMode={setMode} />
                </div>
              </div>
              {mode === 'rank' ? <RankLegend /> : <ProbabilityLegend mode={mode} prompt={false} />}
              <div className="mt-3">
                <ScoreTokens
                  first={first}
                  tokens={tokens}
                  mode={mode}
                  span={range}
                  onPick={(index, extend) =>
                    setSpan((s) =>
                      extend && s ? { ...s, focus: index } : { anchor: index, focus: index },
                    )
                  }
                />
              </div>
              <p className={`mt-3 text-xs ${mutedText}`}>
                Click a token to see what the model expected instead, and which earlier tokens it
                leaned on; Shift+click another to select the span between them for the loss table.
              </p>
            </section>
          )}
          {picked && !running && <InfluencePanel text={run.promptText} target={picked} />}
        </div>
        <aside className="flex min-w-0 flex-col gap-4" aria-label="The selected token and span">
          {picked && span ? (
            <div
              className={`${card} flex max-h-[calc(100vh-7rem)] min-h-80 flex-col wide:sticky wide:top-0`}
            >
              <TokenInspector
                token={picked}
                index={span.focus}
                count={tokens.length}
                sampling={run.sampling}
                onMove={move}
                onClose={() => setSpan(null)}
                onPick={
                  running
                    ? undefined
                    : (candidate) => branchFromScore(run.promptText, tokens, span.focus, candidate)
                }
                pickHint="Click a candidate to continue the text in Completion from here, with that token instead."
                labSettings={lab ?? run.sampling ?? defaultSampling}
                onLabChange={setLab}
              />
            </div>
          ) : (
            tokens.length > 0 && (
              <p className={`${card} p-4 text-sm ${mutedText}`}>
                Click a token to inspect it. Colours: {colorMode} by default; switch to rank for
                GLTR’s view (top 10, 100, 1,000, beyond).
              </p>
            )
          )}
          {range && range.to > range.from && (
            <section className={`${card} p-4`} aria-label="Loss table of the selected span">
              <LossTable tokens={tokens.slice(range.from, range.to + 1)} from={range.from} />
            </section>
          )}
        </aside>
      </div>
    </main>
  )
}

function RankLegend() {
  return (
    <div data-testid="rank-legend" className="flex flex-wrap items-center gap-1.5 text-[11px]">
      <span className={mutedText}>Rank among the model’s guesses:</span>
      {rankBands.map((b) => (
        <span key={b.band} className={`rounded px-1.5 py-0.5 ${b.chipClass}`}>
          {b.label}
        </span>
      ))}
    </div>
  )
}
