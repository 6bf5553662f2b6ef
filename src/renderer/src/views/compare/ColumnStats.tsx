import { formatCount, formatRate } from '../../lib/format'
import { notReported } from '../../lib/reported'
import { mutedText } from '../../lib/ui'
import { boundedMeanNote } from '../../lib/entropy-bound'
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
  /** Set when the engine did not report what this statistic needs: why it is not shown. */
  missing?: string
}

const gapReasons = {
  modelProb: 'The remote server did not report the model probability of every token.',
  entropy:
    'Entropy needs the whole distribution; the remote server reported only its top alternatives.',
  tokenId: 'The remote server sent no token ids, so repeated token sequences cannot be counted.',
} as const

/** The stat as measured, or "not reported" with the reason where its numbers are missing. */
function checked(stat: Stat, gap: boolean, reason: string): Stat {
  return gap ? { ...stat, value: notReported, hint: reason, missing: reason } : stat
}

function stats(s: ColumnSummary): Stat[] {
  const { gaps } = s
  return measured(s).map((stat) => {
    if (stat.id === 'logprob' || stat.id === 'perplexity')
      return checked(stat, gaps.modelProb, gapReasons.modelProb)
    if (stat.id === 'entropy') return checked(stat, gaps.entropy, gapReasons.entropy)
    if (stat.id === 'repetition' || stat.id === 'distinct2')
      return checked(stat, gaps.tokenId, gapReasons.tokenId)
    return stat
  })
}

function measured(s: ColumnSummary): Stat[] {
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
      hint: s.gaps.remote
        ? 'How fast this column’s tokens arrived from the remote server (its streaming included)'
        : 'Generation speed of this column, as the engine measured it (prompt excluded)',
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
      value:
        s.meanEntropyBits === null
          ? '—'
          : `${s.boundedEntropyTokens > 0 ? '≥ ' : ''}${s.meanEntropyBits.toFixed(2)} bits`,
      hint:
        s.boundedEntropyTokens > 0
          ? `How unsure the model was at each step, averaged: a lower bound, since ${boundedMeanNote(s.boundedEntropyTokens, s.tokens)} (on a large vocabulary the engine read only each step's most likely tokens; their lower bound is averaged)`
          : 'How unsure the model was at each step, averaged',
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
          <dd
            data-testid={`stat-${stat.id}`}
            data-missing={stat.missing ? true : undefined}
            className={`text-sm tabular-nums ${stat.missing ? `font-normal ${mutedText}` : 'font-semibold'}`}
          >
            {stat.value}
          </dd>
        </div>
      ))}
    </dl>
  )
}
