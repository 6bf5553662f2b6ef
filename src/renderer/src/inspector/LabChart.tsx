import type { LabResult } from '../../../shared/lab'
import { formatPercent } from '../lib/format'
import { showWhitespace } from '../lib/whitespace'

export interface LabChartProps {
  lab: LabResult
}

const width = 360
const plotTop = 14
const plotHeight = 96
const left = 30
const right = 30
const labelSpace = 40
/** More bars than this would be thinner than a pixel: the rest are counted in the stats only. */
const maxBars = 64

/**
 * Before (model) and after (sampler chain) probabilities of the stored candidates as paired
 * bars, with the cumulative mass top-p walks along and every cut-off the chain makes.
 */
export function LabChart({ lab }: LabChartProps) {
  const bars = lab.bars.slice(0, maxBars)
  const n = bars.length
  const showLabels = n <= 24
  const height = plotTop + plotHeight + (showLabels ? labelSpace : 8)
  const plotWidth = width - left - right
  const slot = n > 0 ? plotWidth / n : plotWidth
  const barWidth = Math.max(1, slot * 0.38)
  const top = Math.max(1e-9, ...bars.map((b) => b.modelProb), ...bars.map((b) => b.afterProb ?? 0))
  const y = (p: number) => plotTop + plotHeight * (1 - Math.min(1, p / top))
  const yMass = (m: number) => plotTop + plotHeight * (1 - Math.min(1, m))
  const x = (i: number) => left + i * slot
  const cut = (kept: number) => x(kept) - 0.5
  const cumulative = bars.map((b, i) => `${x(i) + slot / 2},${yMass(b.cumulative)}`).join(' ')
  return (
    <svg
      data-testid="lab-chart"
      viewBox={`0 0 ${width} ${height}`}
      className="block max-h-[28vh] w-full text-slate-500 dark:text-slate-400"
      role="img"
      aria-label="Next-token probabilities before and after the sampler chain"
    >
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line
            x1={left}
            x2={width - right}
            y1={plotTop + plotHeight * (1 - f)}
            y2={plotTop + plotHeight * (1 - f)}
            className="stroke-slate-200 dark:stroke-slate-800"
            strokeWidth={1}
          />
          <text
            x={left - 4}
            y={plotTop + plotHeight * (1 - f) + 3}
            textAnchor="end"
            className="fill-current text-[8px]"
          >
            {formatPercent(top * f)}
          </text>
          <text
            x={width - right + 4}
            y={plotTop + plotHeight * (1 - f) + 3}
            className="fill-amber-600 text-[8px] dark:fill-amber-400"
          >
            {Math.round(f * 100)}%
          </text>
        </g>
      ))}
      {bars.map((bar, i) => {
        const cutAway = bar.cutBy !== null || (lab.greedy && i > 0)
        return (
          <g key={bar.id}>
            <title>
              {`#${bar.rank} ${showWhitespace(bar.text)} — model ${formatPercent(bar.modelProb)}, after ${
                bar.afterProb === null ? 'unknown' : formatPercent(bar.afterProb)
              }${bar.cutBy ? ` (cut by ${bar.cutBy})` : ''}`}
            </title>
            <rect
              data-testid="lab-bar-before"
              data-prob={bar.modelProb}
              x={x(i) + slot / 2 - barWidth}
              y={y(bar.modelProb)}
              width={barWidth}
              height={plotTop + plotHeight - y(bar.modelProb)}
              className={`fill-sky-500 ${cutAway ? 'opacity-35' : ''}`}
            />
            {bar.afterProb !== null && (
              <rect
                data-testid="lab-bar-after"
                data-token-id={bar.id}
                data-prob={bar.afterProb}
                x={x(i) + slot / 2}
                y={y(bar.afterProb)}
                width={barWidth}
                height={plotTop + plotHeight - y(bar.afterProb)}
                className="fill-violet-600 dark:fill-violet-400"
              />
            )}
            {showLabels && (
              <text
                transform={`translate(${x(i) + slot / 2 + 3}, ${plotTop + plotHeight + 6}) rotate(55)`}
                className={`fill-current font-mono text-[8px] ${cutAway ? 'opacity-50' : ''}`}
              >
                {truncate(showWhitespace(bar.text), 9)}
              </text>
            )}
          </g>
        )
      })}
      <polyline
        data-testid="lab-cumulative"
        points={cumulative}
        fill="none"
        className="stroke-amber-500"
        strokeWidth={1.2}
      />
      {lab.topKKept !== null && lab.topKKept < n && (
        <CutLine x={cut(lab.topKKept)} label="top-k" testId="lab-topk-cut" />
      )}
      {lab.topPKept !== null && lab.topPKept < n && (
        <CutLine x={cut(lab.topPKept)} label="top-p" testId="lab-topp-cut" offset={10} />
      )}
      {lab.minPThreshold !== null && lab.minPThreshold <= top && (
        <g data-testid="lab-minp-line">
          <line
            x1={left}
            x2={width - right}
            y1={y(lab.minPThreshold)}
            y2={y(lab.minPThreshold)}
            strokeDasharray="3 2"
            className="stroke-rose-500"
            strokeWidth={1}
          />
          <text
            x={width - right - 2}
            y={y(lab.minPThreshold) - 2}
            textAnchor="end"
            className="fill-rose-600 text-[8px] dark:fill-rose-400"
          >
            min-p
          </text>
        </g>
      )}
    </svg>
  )
}

function CutLine(props: { x: number; label: string; testId: string; offset?: number }) {
  return (
    <g data-testid={props.testId}>
      <line
        x1={props.x}
        x2={props.x}
        y1={plotTop - 2}
        y2={plotTop + plotHeight}
        strokeDasharray="4 2"
        className="stroke-slate-700 dark:stroke-slate-200"
        strokeWidth={1}
      />
      <text
        x={props.x + 2}
        y={plotTop + 4 + (props.offset ?? 0)}
        className="fill-slate-700 text-[8px] font-semibold dark:fill-slate-200"
      >
        {props.label}
      </text>
    </g>
  )
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
