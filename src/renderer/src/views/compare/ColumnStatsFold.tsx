import { useStore } from '../../hooks/useStore'
import { layoutPrefsStore } from '../../layout/stores'
import { formatCount } from '../../lib/format'
import { notReported } from '../../lib/reported'
import { focusRing, mutedText } from '../../lib/ui'
import { ColumnStats, stopLabel } from './ColumnStats'
import { formatStat, type ColumnSummary } from './compare-export'
import { ProbabilityChart, type ChartMeasure } from './ProbabilityChart'

export interface ColumnStatsFoldProps {
  summary: ColumnSummary
  probs: readonly number[]
  measure: ChartMeasure
  bucketSize: number
  slots: number
}

/**
 * A column's statistics and chart, folded to one line so the text gets the room. Every column
 * folds and unfolds together (they are there to be compared), and the choice is remembered.
 */
export function ColumnStatsFold(props: ColumnStatsFoldProps) {
  const { summary, probs, measure, bucketSize, slots } = props
  const open = useStore(layoutPrefsStore, (s) => s.compareStats)
  return (
    <div className="border-b border-slate-100 dark:border-slate-800">
      <div className="flex items-center gap-3 px-4 py-1.5 text-xs">
        <button
          type="button"
          data-testid="stats-toggle"
          aria-expanded={open}
          title={
            open ? 'Fold the statistics of every column' : 'Show every statistic and the chart'
          }
          className={`flex min-w-0 shrink-0 items-center gap-2 rounded ${focusRing}`}
          onClick={() => layoutPrefsStore.dispatch({ type: 'compareStats', open: !open })}
        >
          <span aria-hidden="true" className={`transition-transform ${open ? 'rotate-90' : ''}`}>
            ▸
          </span>
          <span className="font-medium">Stats</span>
        </button>
        <span className={`min-w-0 truncate tabular-nums ${mutedText}`}>
          {formatCount(summary.tokens)} tokens · perplexity{' '}
          {summary.gaps.modelProb ? notReported : formatStat(summary.perplexity, 2)} ·{' '}
          <span
            data-testid="stat-stop-reason"
            data-reason={summary.stopReason ?? undefined}
            title="Why the column stopped"
          >
            {summary.stopReason ? stopLabel[summary.stopReason] : 'running'}
          </span>
        </span>
        {!open && measure !== null && (
          <div
            className="ml-auto w-24 min-w-12 shrink"
            title={`${measure === 'model' ? 'Model' : 'Sampling'} probability along the text`}
          >
            <ProbabilityChart
              probs={probs}
              measure={measure}
              bucketSize={bucketSize}
              slots={slots}
              compact
            />
          </div>
        )}
      </div>
      <div className={open ? 'pt-1' : 'hidden'}>
        <ColumnStats summary={summary} />
        {open &&
          (measure === null ? (
            <p
              data-testid="chart-not-reported"
              className={`px-4 pt-1 pb-3 text-[11px] ${mutedText}`}
            >
              Probability along the text: {notReported} by this server.
            </p>
          ) : (
            <ProbabilityChart
              probs={probs}
              measure={measure}
              bucketSize={bucketSize}
              slots={slots}
            />
          ))}
      </div>
    </div>
  )
}
