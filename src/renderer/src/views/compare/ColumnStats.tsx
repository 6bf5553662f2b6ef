import { formatCount, formatRate } from '../../lib/format'
import { mutedText } from '../../lib/ui'
import type { StopReason } from '../../../../shared/contract'
import { formatShare, formatStat, type ColumnSummary } from './compare-export'

export interface ColumnStatsProps {
  summary: ColumnSummary
}

/** Short enough for a stat cell; the Markdown export names the reason in full. */
export const stopLabel: Record<StopReason, string> = {
  'end-of-generation': 'model ended',
  'max-tokens': 'token limit',
  cancelled: 'stopped by you',
  'context-full': 'context full',
  'stop-string': 'stop string',
}

interface Stat {
  id: string
  label: string
  value: string
  hint: string
}

function stats(s: ColumnSummary): Stat[] {
  return [
    {
      id: 'tokens',
      label: 'Tokens',
      value: formatCount(s.tokens),
      hint: 'Tokens generated',
    },
    {
      id: 'rate',
      label: 'Speed',
      value: formatRate(s.tokensPerSecond),
      hint: 'Generation speed of this column, as the engine measured it (prompt excluded)',
    },
    {
      id: 'logprob',
      label: 'Mean log-prob',
      value: formatStat(s.meanLogProb, 3),
      hint: 'Mean natural log of the model probability of each generated token; closer to 0 is more expected',
    },
    {
      id: 'perplexity',
      label: 'Perplexity',
      value: formatStat(s.perplexity, 2),
      hint: 'exp(mean −ln p): 1 when the model was sure of every token, higher when it was surprised',
    },
    {
      id: 'entropy',
      label: 'Mean entropy',
      value: s.meanEntropyBits === null ? '—' : `${s.meanEntropyBits.toFixed(2)} bits`,
      hint: 'How unsure the model was at each step, averaged',
    },
    {
      id: 'repetition',
      label: 'Repeated 3-grams',
      value: formatShare(s.repetition3),
      hint: 'Share of the 3-token sequences that repeat an earlier one; high means the text loops',
    },
    {
      id: 'distinct2',
      label: 'Distinct-2',
      value: formatStat(s.distinct2, 2),
      hint: 'Distinct token pairs / all token pairs: 1 means no pair repeats',
    },
  ]
}

/** A column's statistics, live while it runs and final once it ends (why it stopped: the fold's line). */
export function ColumnStats({ summary }: ColumnStatsProps) {
  return (
    <dl className="grid grid-cols-2 gap-x-3 gap-y-2 px-4 pb-1 @sm:grid-cols-4">
      {stats(summary).map((stat) => (
        <div key={stat.id} title={stat.hint} className="min-w-0">
          <dt className={`truncate text-[11px] ${mutedText}`}>{stat.label}</dt>
          <dd data-testid={`stat-${stat.id}`} className="text-sm font-semibold tabular-nums">
            {stat.value}
          </dd>
        </div>
      ))}
    </dl>
  )
}
