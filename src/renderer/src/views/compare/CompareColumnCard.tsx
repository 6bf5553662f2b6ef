import type { ChartMeasure } from './ProbabilityChart'
import { memo, useMemo } from 'react'
import { CloseIcon, PlayIcon, StopIcon } from '../../components/Icons'
import { card, ghostButton } from '../../lib/ui'
import { TextIcon } from '../../sessions/SessionIcons'
import { isActive, runStateLabel, type RunStateLabel } from '../../stores/run-reducer'
import { ColumnEngineLine } from './ColumnEngine'
import { ColumnSettings } from './ColumnSettings'
import { ColumnStatsFold } from './ColumnStatsFold'
import { ColumnTokens } from './ColumnTokens'
import { compareStore, copyColumnSettings, rerunColumn, stopColumn } from './compare-actions'
import { columnTokens, summarizeColumn } from './compare-export'
import type { CompareColumn } from './compare-state'

export interface CompareColumnCardProps {
  column: CompareColumn
  index: number
  /** Some column is running: settings and re-runs wait. */
  busy: boolean
  canRemove: boolean
  sameSeed: boolean
  /** Why a run cannot start now; null when it can. */
  blocked: string | null
  /** The shared chart scale. */
  bucketSize: number
  slots: number
  /** Some column runs on a remote engine: every column says which engine it runs on. */
  mixedEngines: boolean
  onCopied: (index: number) => void
}

const badgeClass: Record<RunStateLabel, string> = {
  idle: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  running: 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200',
  ended: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

/** One compared setting: its knobs, its statistics, its chart and, in most of it, its tokens. */
export const CompareColumnCard = memo(function CompareColumnCard(props: CompareColumnCardProps) {
  const { column, index, busy, blocked } = props
  const { run } = column
  const running = isActive(run)
  const label = runStateLabel(run)
  const tokens = useMemo(() => columnTokens(column), [column])
  const summary = useMemo(() => summarizeColumn(column, tokens), [column, tokens])
  // A server that reports after sampling gets its sampling probabilities charted, named as such.
  const measure: ChartMeasure = !summary.gaps.modelProb
    ? 'model'
    : tokens.every((t) => t.reported?.samplingProb)
      ? 'sampling'
      : null
  const probs = useMemo(
    () =>
      measure === null
        ? []
        : tokens.map((t) => (measure === 'model' ? t.modelProb : t.samplingProb)),
    [tokens, measure],
  )
  return (
    <section
      data-testid={`compare-column-${index}`}
      data-column-key={column.key}
      aria-label={`Column ${index + 1}`}
      className={`${card} @container flex min-h-0 min-w-0 flex-col overflow-hidden`}
    >
      <header className="flex items-center gap-2 border-b border-slate-100 px-4 py-2 dark:border-slate-800">
        <h3 className="text-sm font-semibold whitespace-nowrap">Column {index + 1}</h3>
        <span
          data-testid="column-state"
          className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${badgeClass[label]}`}
        >
          {label === 'running' && (
            <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-current" />
          )}
          {run.stopping ? 'stopping' : label}
        </span>
        <div className="ml-auto flex items-center gap-0.5">
          <button
            type="button"
            data-testid="use-settings"
            className={`${ghostButton} text-xs`}
            onClick={() => {
              if (copyColumnSettings(column.key)) props.onCopied(index)
            }}
            title="Make this column's settings the Completion tab's sampling settings"
          >
            {/* A narrow column (the inspector open beside it) keeps the buttons to their icons. */}
            <TextIcon aria-hidden="true" className="size-3.5 @sm:hidden" />
            <span className="whitespace-nowrap @max-sm:sr-only">Use in Completion</span>
          </button>
          {running ? (
            <button
              type="button"
              className={ghostButton}
              disabled={run.stopping}
              onClick={() => stopColumn(column.key)}
              title="Stop this column only"
            >
              <StopIcon className="text-red-600 dark:text-red-400" />{' '}
              <span className="@max-sm:sr-only">Stop</span>
            </button>
          ) : (
            <button
              type="button"
              data-testid="rerun-column"
              className={ghostButton}
              disabled={busy || blocked !== null}
              title={blocked ?? 'Generate this column again, alone, with its current settings'}
              onClick={() => rerunColumn(column.key)}
            >
              <PlayIcon /> <span className="@max-sm:sr-only">Re-run</span>
            </button>
          )}
          {props.canRemove && (
            <button
              type="button"
              data-testid="remove-column"
              className={`${ghostButton} w-7 px-0`}
              disabled={busy}
              onClick={() => compareStore.dispatch({ type: 'columnRemoved', key: column.key })}
              aria-label={`Remove column ${index + 1}`}
              title="Remove this column"
            >
              <CloseIcon />
            </button>
          )}
        </div>
      </header>
      {props.mixedEngines && <ColumnEngineLine engine={column.engine} />}
      <ColumnSettings column={column} index={index} disabled={busy} sameSeed={props.sameSeed} />
      {run.phase !== 'idle' && (
        <ColumnStatsFold
          summary={summary}
          probs={probs}
          measure={measure}
          bucketSize={props.bucketSize}
          slots={props.slots}
        />
      )}
      {run.phase === 'failed' && run.error && (
        <p
          role="alert"
          data-testid="column-error"
          className="mx-4 mb-2 rounded-lg bg-red-50 px-3 py-2 text-xs text-red-900 dark:bg-red-950/60 dark:text-red-100"
        >
          <span className="font-medium">{run.error.message}</span>
          {run.error.hint && <span className="block opacity-80">{run.error.hint}</span>}
        </p>
      )}
      {/* Sized by the card, not by the text: a long text scrolls inside. */}
      <div className="relative min-h-48 flex-1">
        <div className="absolute inset-0">
          <ColumnTokens columnKey={column.key} run={run} />
        </div>
      </div>
    </section>
  )
})
