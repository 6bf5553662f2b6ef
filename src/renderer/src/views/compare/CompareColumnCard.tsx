import { memo, useMemo } from 'react'
import { CloseIcon, PlayIcon, StopIcon } from '../../components/Icons'
import { card, ghostButton, mutedText, secondaryButton } from '../../lib/ui'
import { isActive, runStateLabel, type RunStateLabel } from '../../stores/run-reducer'
import { ColumnSettings } from './ColumnSettings'
import { ColumnStats } from './ColumnStats'
import { ColumnTokens } from './ColumnTokens'
import { ProbabilityChart } from './ProbabilityChart'
import { compareStore, copyColumnSettings, rerunColumn, stopColumn } from './compare-actions'
import { columnTokens, summarizeColumn } from './compare-export'
import type { CompareColumn } from './compare-reducer'

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
  onCopied: (index: number) => void
}

const badgeClass: Record<RunStateLabel, string> = {
  idle: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  running: 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200',
  ended: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

/** One compared setting: its knobs, its statistics, its chart and its tokens. */
export const CompareColumnCard = memo(function CompareColumnCard(props: CompareColumnCardProps) {
  const { column, index, busy, blocked } = props
  const { run } = column
  const running = isActive(run)
  const label = runStateLabel(run)
  const tokens = useMemo(() => columnTokens(column), [column])
  const summary = useMemo(() => summarizeColumn(column, tokens), [column, tokens])
  const probs = useMemo(() => tokens.map((t) => t.modelProb), [tokens])
  return (
    <section
      data-testid={`compare-column-${index}`}
      aria-label={`Column ${index + 1}`}
      className={`${card} @container flex min-w-0 flex-col`}
    >
      <header className="flex items-center gap-2 border-b border-slate-100 px-4 py-2 dark:border-slate-800">
        <h3 className="text-sm font-semibold">Column {index + 1}</h3>
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
          {running ? (
            <button
              type="button"
              className={ghostButton}
              disabled={run.stopping}
              onClick={() => stopColumn(column.key)}
              title="Stop this column only"
            >
              <StopIcon className="text-red-600 dark:text-red-400" /> Stop
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
              <PlayIcon /> Re-run
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
      <ColumnSettings column={column} index={index} disabled={busy} sameSeed={props.sameSeed} />
      {run.phase !== 'idle' && (
        <div className="pt-3">
          <ColumnStats summary={summary} />
          <ProbabilityChart probs={probs} bucketSize={props.bucketSize} slots={props.slots} />
        </div>
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
      <div className="h-72 border-t border-slate-100 dark:border-slate-800">
        <ColumnTokens run={run} />
      </div>
      <footer className="flex items-center gap-2 border-t border-slate-100 px-4 py-2 dark:border-slate-800">
        <button
          type="button"
          data-testid="use-settings"
          className={`${secondaryButton} h-8 text-xs`}
          onClick={() => {
            if (copyColumnSettings(column.key)) props.onCopied(index)
          }}
          title="Copy this column's settings to the main view's sampling settings"
        >
          Use these settings
        </button>
        <span className={`truncate text-[11px] ${mutedText}`}>for the Completion tab</span>
      </footer>
    </section>
  )
})
