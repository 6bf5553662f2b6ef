import { useMemo } from 'react'
import type { GeneratedToken } from '../../../../shared/contract'
import { limits } from '../../../../shared/schemas'
import { PlayIcon, StopIcon } from '../../components/Icons'
import { useSavedText } from '../../hooks/useSavedText'
import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { contextPosition } from '../../lib/numbering'
import { card, cardTitle, focusRing, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { showWhitespace } from '../../lib/whitespace'
import { whyCannotStart } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'
import { startInfluence, stopInfluence } from './influence-actions'
import { describeChange, noEffect, strongestChange } from './influence-colors'
import { influenceStore, isMeasuring } from './influence-store'
import { InfluenceHeatmap } from './InfluenceHeatmap'
import { InfluenceExplainer } from './InfluenceExplainer'

const windowKey = 'tokenscope.influence.window'

export interface InfluencePanelProps {
  /** The scored text. */
  text: string
  /** The selected scored token. */
  target: GeneratedToken
}

/** Token influence by occlusion for the selected token of a scored text. */
export function InfluencePanel({ text, target }: InfluencePanelProps) {
  const blocked = useStore(engineStore, (s) => whyCannotStart(s, 'influence'))
  const [savedWindow, setSavedWindow] = useSavedText(windowKey, '32')
  const lookBack = clampWindow(Number(savedWindow))
  const state = useStore(influenceStore, (s) => s)
  const measuring = isMeasuring(state)
  const shown = state.runId !== null && state.text === text && state.position === target.position
  const strongest = useMemo(() => strongestChange(state.changes), [state.changes])
  const removable = Math.min(lookBack, target.position)
  const tooEarly = target.position < 2
  const why = tooEarly
    ? 'Only one token comes before this one: pick a later token'
    : measuring
      ? null
      : blocked
  const strongestTokens = useMemo(() => {
    if (!shown) return []
    return Object.entries(state.changes)
      .map(([at, change]) => ({ at: Number(at), change }))
      .filter(({ change }) => Math.abs(change) >= noEffect)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, 5)
  }, [shown, state.changes])
  const first = shown ? state.position - state.total : target.position - removable
  const done = Object.keys(state.changes).length

  return (
    <section className={`${card} p-4`} aria-labelledby="influence-title" data-testid="influence">
      <h2 id="influence-title" className={cardTitle}>
        Token influence on{' '}
        <span className="font-mono normal-case">“{showWhitespace(target.text)}”</span>
      </h2>
      <InfluenceExplainer />
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm">
          Remove each of the last
          <input
            type="number"
            data-testid="influence-window"
            min={1}
            max={limits.influenceWindow}
            value={savedWindow}
            onChange={(event) => setSavedWindow(event.target.value)}
            className={`h-8 w-20 rounded-md border border-slate-300 bg-white px-2 tabular-nums dark:border-slate-700 dark:bg-slate-950 ${focusRing}`}
          />
          tokens
        </label>
        {measuring ? (
          <button
            type="button"
            data-testid="influence-stop"
            className={secondaryButton}
            disabled={state.stopping}
            onClick={stopInfluence}
          >
            <StopIcon className="text-red-600 dark:text-red-400" />{' '}
            {state.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            type="button"
            data-testid="influence-button"
            className={primaryButton}
            disabled={why !== null}
            title={why ?? `${removable + 1} evaluations of the text`}
            onClick={() => startInfluence(text, target.position, lookBack)}
          >
            <PlayIcon /> Measure influence
          </button>
        )}
        <span className={`text-xs ${mutedText}`}>
          {tooEarly
            ? 'Pick a later token: only one comes before this one.'
            : `${formatCount(removable + 1)} evaluations: the text as it is, then once without each token.`}
        </span>
      </div>
      {shown && (
        <div className="mt-3">
          <p
            data-testid="influence-state"
            data-phase={state.phase}
            data-stop-reason={state.stopReason ?? undefined}
            className={`text-xs tabular-nums ${mutedText}`}
          >
            {state.phase === 'starting' && 'Reading the text…'}
            {state.phase === 'running' && `${done} of ${state.total} tokens removed…`}
            {state.phase === 'ended' &&
              (state.stopReason === 'cancelled'
                ? `Stopped after ${done} of ${state.total} tokens`
                : `Done: ${state.total} tokens removed one at a time`)}
            {state.phase === 'failed' && (
              <span className="text-red-700 dark:text-red-300" role="alert">
                {state.error?.message ?? 'The measurement failed'}
              </span>
            )}
            {state.cost && (
              <span data-testid="influence-cost" data-evaluations={state.cost.evaluations}>
                {' · '}
                {formatCount(state.cost.evaluations)} evaluations,{' '}
                {formatCount(state.cost.evaluatedTokens)} tokens read (
                {formatCount(state.cost.withoutReuse)} without reusing the cached prefix)
              </span>
            )}
          </p>
          {state.baseline !== null && (
            <p className="mt-1 text-xs tabular-nums">
              With the whole text before it: p = {Math.exp(state.baseline).toPrecision(3)} (ln p ={' '}
              {state.baseline.toFixed(3)})
            </p>
          )}
          {state.context.length > 0 && (
            <div className="mt-3">
              <InfluenceLegend strongest={strongest} />
              <div className="mt-2">
                <InfluenceHeatmap
                  context={state.context}
                  firstMeasured={first}
                  changes={state.changes}
                  strongest={strongest}
                />
              </div>
            </div>
          )}
          {state.phase === 'ended' && done > 0 && strongestTokens.length === 0 && (
            <p className={`mt-3 text-xs ${mutedText}`} data-testid="influence-none">
              Removing any one of these tokens leaves the probability where it was.
            </p>
          )}
          {strongestTokens.length > 0 && (
            <table className="mt-3 text-xs tabular-nums" data-testid="influence-top">
              <caption className={`text-left ${mutedText}`}>
                Strongest effects of removing one token
              </caption>
              <tbody>
                {strongestTokens.map(({ at, change }) => (
                  <tr key={at}>
                    <td className="pr-3 font-mono whitespace-pre">
                      “{showWhitespace(state.context[at]?.text ?? '')}”
                    </td>
                    <td className={`pr-3 ${mutedText}`}>
                      context position {contextPosition({ position: at })}
                    </td>
                    <td>{describeChange(change)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  )
}

function clampWindow(n: number): number {
  if (!Number.isFinite(n)) return 32
  return Math.min(limits.influenceWindow, Math.max(1, Math.round(n)))
}

function InfluenceLegend({ strongest }: { strongest: number }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-[11px]" data-testid="influence-legend">
      <span className="rounded px-1.5 py-0.5" style={{ backgroundColor: 'rgba(234, 88, 12, 0.6)' }}>
        removing it lowers p: it supported the prediction
      </span>
      <span className="rounded px-1.5 py-0.5" style={{ backgroundColor: 'rgba(37, 99, 235, 0.6)' }}>
        removing it raises p: it worked against it
      </span>
      <span className={mutedText}>
        deepest colour = {strongest.toFixed(3)} nats; untinted = no effect; grey = outside the
        window
      </span>
    </div>
  )
}
