import { probabilityBuckets } from '../../../../shared/run-stats'
import { formatPercent } from '../../lib/format'
import { probabilityBin } from '../../lib/probability-scale'
import { mutedText } from '../../lib/ui'

/** Which probability a chart draws; null when the engine reported neither for every token. */
export type ChartMeasure = 'model' | 'sampling' | null

export interface ProbabilityChartProps {
  /** The probability of each generated token, in order. */
  probs: readonly number[]
  /** Which probability `probs` are (model unless a server reported after sampling). */
  measure?: 'model' | 'sampling'
  /** Tokens per bar, the same for every column. */
  bucketSize: number
  /** Bars the widest column needs: the shared horizontal scale. */
  slots: number
  /** A sparkline for a folded column: the bars alone, a line high. */
  compact?: boolean
}

const height = 48

/** Bar fills by probability bin: the chips' blue–orange scale, saturated enough to read as bars. */
const barFill = [
  'fill-sky-500 dark:fill-sky-400',
  'fill-sky-300 dark:fill-sky-600',
  'fill-stone-400 dark:fill-stone-500',
  'fill-orange-300 dark:fill-orange-600',
  'fill-orange-500 dark:fill-orange-400',
]

/**
 * The model probability of each token along the text, on the scale all columns share: 0–100%
 * upwards, and the same tokens per bar, so a shorter text draws a shorter chart.
 */
export function ProbabilityChart({
  probs,
  measure = 'model',
  bucketSize,
  slots,
  compact,
}: ProbabilityChartProps) {
  const title = measure === 'model' ? 'Model probability' : 'Sampling probability'
  const buckets = probabilityBuckets(probs, bucketSize)
  const width = Math.max(1, slots)
  const perBar = bucketSize === 1 ? 'token' : `${bucketSize} tokens (mean)`
  const bars = (
    <svg
      data-testid="probability-chart"
      data-bars={buckets.length}
      data-measure={measure}
      role="img"
      aria-label={
        buckets.length === 0
          ? 'No tokens yet'
          : `${title} of ${probs.length} tokens, ${buckets.length} bars`
      }
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className={`w-full rounded bg-slate-50 dark:bg-slate-800/60 ${compact ? 'h-5' : 'h-12'}`}
    >
      {!compact && (
        <line
          x1={0}
          x2={width}
          y1={height / 2}
          y2={height / 2}
          className="stroke-slate-200 dark:stroke-slate-700"
          strokeWidth={0.5}
          vectorEffect="non-scaling-stroke"
        />
      )}
      {buckets.map((bucket, i) => {
        const h = Math.max(1, bucket.mean * height)
        return (
          <rect
            key={i}
            x={i + 0.1}
            width={0.8}
            y={height - h}
            height={h}
            className={barFill[probabilityBin(bucket.mean)]}
          >
            <title>
              {bucket.end - bucket.start === 1
                ? `Token ${bucket.start + 1}: ${formatPercent(bucket.mean)}`
                : `Tokens ${bucket.start + 1}–${bucket.end}: mean ${formatPercent(bucket.mean)}, lowest ${formatPercent(bucket.min)}`}
            </title>
          </rect>
        )
      })}
    </svg>
  )
  if (compact) return bars
  return (
    <figure className="px-4 pt-1 pb-3">
      <figcaption className={`mb-1 flex justify-between text-[11px] ${mutedText}`}>
        <span>
          {title} along the text
          {measure === 'sampling' && ' (model probability not reported)'}
        </span>
        <span>1 bar = {perBar}</span>
      </figcaption>
      <div className="flex items-stretch gap-1.5">
        <div
          aria-hidden="true"
          className={`flex flex-col justify-between text-[10px] leading-none tabular-nums ${mutedText}`}
        >
          <span>100%</span>
          <span>0%</span>
        </div>
        {bars}
      </div>
    </figure>
  )
}
