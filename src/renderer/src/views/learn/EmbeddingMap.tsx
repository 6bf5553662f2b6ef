import type { PcaMap } from '../../../../shared/embedding-math'
import { formatPercent } from '../../lib/format'
import { mutedText } from '../../lib/ui'

export interface EmbeddingMapProps {
  labels: readonly string[]
  map: PcaMap
  selected: number | null
  onSelect: (index: number | null) => void
}

const width = 480
const height = 340
const pad = 36

/**
 * The vectors on their first two principal components. Both axes share one scale, so a distance
 * on the map means the same in every direction.
 */
export function EmbeddingMap({ labels, map, selected, onSelect }: EmbeddingMapProps) {
  const xs = map.points.map(([x]) => x)
  const ys = map.points.map(([, y]) => y)
  const spanX = Math.max(...xs) - Math.min(...xs) || 1
  const spanY = Math.max(...ys) - Math.min(...ys) || 1
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
  const midX = (Math.max(...xs) + Math.min(...xs)) / 2
  const midY = (Math.max(...ys) + Math.min(...ys)) / 2
  const at = ([x, y]: [number, number]) => ({
    cx: width / 2 + (x - midX) * scale,
    // SVG's y grows downwards; the map's grows up.
    cy: height / 2 - (y - midY) * scale,
  })
  const [first, second] = map.explained
  return (
    <figure>
      <svg
        data-testid="embedding-map"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Map of ${labels.length} items on their first two principal components`}
        className="h-auto w-full rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950"
      >
        <line
          x1={pad / 2}
          x2={width - pad / 2}
          y1={at([0, 0]).cy}
          y2={at([0, 0]).cy}
          className="stroke-slate-200 dark:stroke-slate-800"
        />
        <line
          y1={pad / 2}
          y2={height - pad / 2}
          x1={at([0, 0]).cx}
          x2={at([0, 0]).cx}
          className="stroke-slate-200 dark:stroke-slate-800"
        />
        {groupsOf(map.points.map(at)).map(({ cx, cy, members }) => {
          const lit = selected !== null && members.includes(selected)
          const anchor = cx > width - 110 ? 'end' : 'start'
          const names = members.map((i) => labels[i] ?? '')
          return (
            <g
              key={members.join(',')}
              data-testid="embedding-point"
              data-items={members.join(',')}
              className="cursor-pointer"
              onClick={() => onSelect(lit ? null : (members[0] ?? null))}
            >
              <title>{names.join(', ')}</title>
              <circle
                cx={cx}
                cy={cy}
                r={lit ? 6 : 4.5}
                className={lit ? 'fill-amber-500' : 'fill-violet-600 dark:fill-violet-400'}
              />
              <text
                x={cx + (anchor === 'start' ? 8 : -8)}
                y={cy + 4}
                textAnchor={anchor}
                className={`text-[12px] ${lit ? 'fill-amber-700 font-semibold dark:fill-amber-300' : 'fill-slate-700 dark:fill-slate-200'}`}
              >
                {shortLabel(names.join(', '))}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption className={`mt-2 text-xs ${mutedText}`} data-testid="embedding-variance">
        Across: first principal component, {formatPercent(first)} of the variance. Up: second,{' '}
        {formatPercent(second)}. Together the map shows{' '}
        <b className="text-slate-700 dark:text-slate-200">{formatPercent(first + second)}</b> of how
        these vectors differ; the rest lies in directions a flat map cannot draw, so two points
        close here may still be apart.
      </figcaption>
    </figure>
  )
}

const shortLabel = (label: string) => (label.length > 28 ? `${label.slice(0, 27)}…` : label)

/** Points that land on the same spot are drawn once, labelled with all their names. */
function groupsOf(points: { cx: number; cy: number }[]) {
  const groups: { cx: number; cy: number; members: number[] }[] = []
  points.forEach(({ cx, cy }, i) => {
    const same = groups.find((g) => Math.hypot(g.cx - cx, g.cy - cy) < 1.5)
    if (same) same.members.push(i)
    else groups.push({ cx, cy, members: [i] })
  })
  return groups
}
