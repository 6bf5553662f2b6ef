import type { ParameterBreakdown } from '../../../../shared/models'
import { mutedText } from '../../lib/ui'
import {
  breakdownSegments,
  formatParameterCount,
  formatShare,
  type BreakdownPart,
} from './models-format'

export interface ParameterBarProps {
  breakdown: ParameterBreakdown
}

const colours: Record<BreakdownPart, string> = {
  embeddings: 'bg-sky-500 dark:bg-sky-400',
  attention: 'bg-violet-500 dark:bg-violet-400',
  feedForward: 'bg-amber-500 dark:bg-amber-400',
  norms: 'bg-emerald-500 dark:bg-emerald-400',
  output: 'bg-rose-500 dark:bg-rose-400',
  other: 'bg-slate-400 dark:bg-slate-500',
}

const explanations: Record<BreakdownPart, string> = {
  embeddings: 'the table that turns token ids into vectors',
  attention: 'query, key, value and output projections of every layer',
  feedForward: 'the per-layer MLPs, usually most of the weights',
  norms: 'layer-norm scales, tiny but in every layer',
  output: 'the final projection back onto the vocabulary',
  other: 'tensors of no role above',
}

/** Where the weights live: one proportional bar plus a legend with counts and shares. */
export function ParameterBar({ breakdown }: ParameterBarProps) {
  const segments = breakdownSegments(breakdown)
  if (segments.length === 0) {
    return <p className={`text-sm ${mutedText}`}>The header does not say where the weights are.</p>
  }
  return (
    <div data-testid="parameter-breakdown">
      <div
        className="flex h-4 w-full overflow-hidden rounded-md bg-slate-100 ring-1 ring-slate-200 ring-inset dark:bg-slate-800 dark:ring-slate-700"
        role="img"
        aria-label={`Parameters: ${segments
          .map((s) => `${s.label} ${formatShare(s.percent)}`)
          .join(', ')}`}
      >
        {segments.map((segment) => (
          <div
            key={segment.part}
            data-part={segment.part}
            title={`${segment.label}: ${formatParameterCount(segment.count)} (${formatShare(segment.percent)})`}
            className={`h-full border-r border-white/70 last:border-r-0 dark:border-slate-900/70 ${colours[segment.part]}`}
            style={{ width: `${segment.width}%` }}
          />
        ))}
      </div>
      <ul className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 @lg:grid-cols-2">
        {segments.map((segment) => (
          <li
            key={segment.part}
            className="flex items-start gap-2 text-sm"
            data-testid="breakdown-item"
            data-part={segment.part}
          >
            <span
              aria-hidden="true"
              className={`mt-1 size-2.5 shrink-0 rounded-sm ${colours[segment.part]}`}
            />
            <span className="min-w-0 flex-1">
              <span className="flex items-baseline gap-2">
                <span className="font-medium">{segment.label}</span>
                <span className="ml-auto tabular-nums">{formatShare(segment.percent)}</span>
                <span className={`w-16 text-right text-xs tabular-nums ${mutedText}`}>
                  {formatParameterCount(segment.count)}
                </span>
              </span>
              <span className={`block text-xs leading-snug ${mutedText}`}>
                {explanations[segment.part]}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}
