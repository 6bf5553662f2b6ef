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
  const placed = placeLabels(groupsOf(map.points.map(at)), labels, selected)
  const hidden = placed.filter((g) => g.label === null).length
  return (
    <figure>
      <svg
        data-testid="embedding-map"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Map of ${labels.length} items on their first two principal components`}
        className="mx-auto h-auto max-h-[60vh] w-full max-w-2xl rounded-lg border border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-950"
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
        {placed.map(({ cx, cy, members, label }) => {
          const lit = selected !== null && members.includes(selected)
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
              {label && (
                <text
                  x={label.x}
                  y={label.y}
                  textAnchor={label.anchor}
                  className={`text-[12px] ${lit ? 'fill-amber-700 font-semibold dark:fill-amber-300' : 'fill-slate-700 dark:fill-slate-200'}`}
                >
                  {label.text}
                </text>
              )}
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
        {hidden > 0 &&
          ` ${hidden} crowded ${hidden === 1 ? 'label is' : 'labels are'} left out: point at a dot, or pick a row of the table to light its dot.`}
      </figcaption>
    </figure>
  )
}

const shortLabel = (label: string) => (label.length > 28 ? `${label.slice(0, 27)}…` : label)

const charWidth = 6.6
const lineHeight = 13

interface Placed {
  x: number
  y: number
  anchor: 'start' | 'end' | 'middle'
  text: string
}

/**
 * Puts each label beside its point where it overlaps no other label and no point: right, left,
 * above, below, then a line up or down. The picked point is placed first and drawn last (on
 * top); a label with no free place is left out (its name stays in the point's tooltip).
 */
function placeLabels<G extends { cx: number; cy: number; members: number[] }>(
  groups: G[],
  labels: readonly string[],
  selected: number | null,
): (G & { label: Placed | null })[] {
  // Labels keep off every point, not only off each other.
  const boxes = groups.map(({ cx, cy }) => ({ x0: cx - 5, x1: cx + 5, y0: cy - 5, y1: cy + 5 }))
  const boxOf = ({ x, y, anchor, text }: Placed) => {
    const w = text.length * charWidth
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2
    return { x0, x1: x0 + w, y0: y - lineHeight + 3, y1: y + 3 }
  }
  const free = (box: ReturnType<typeof boxOf>, own: number) =>
    box.x0 >= 0 &&
    box.x1 <= width &&
    box.y0 >= 0 &&
    box.y1 <= height &&
    boxes.every(
      (b, k) => k === own || box.x1 <= b.x0 || box.x0 >= b.x1 || box.y1 <= b.y0 || box.y0 >= b.y1,
    )
  const isPicked = (g: G) => selected !== null && g.members.includes(selected)
  const order = [...groups.keys()].sort(
    (a, b) => Number(isPicked(groups[b]!)) - Number(isPicked(groups[a]!)),
  )
  const placed = new Map<number, Placed | null>()
  for (const index of order) {
    const group = groups[index]!
    const text = shortLabel(group.members.map((i) => labels[i] ?? '').join(', '))
    const { cx, cy } = group
    const options: Placed[] = [
      { x: cx + 8, y: cy + 4, anchor: 'start', text },
      { x: cx - 8, y: cy + 4, anchor: 'end', text },
      { x: cx, y: cy - 9, anchor: 'middle', text },
      { x: cx, y: cy + 17, anchor: 'middle', text },
      { x: cx + 8, y: cy - 9, anchor: 'start', text },
      { x: cx + 8, y: cy + 17, anchor: 'start', text },
      { x: cx - 8, y: cy - 9, anchor: 'end', text },
      { x: cx - 8, y: cy + 17, anchor: 'end', text },
    ]
    const label =
      options.find((option) => free(boxOf(option), index)) ?? (isPicked(group) ? options[0]! : null)
    if (label) boxes.push(boxOf(label))
    placed.set(index, label)
  }
  const withLabels = groups.map((group, index) => ({ ...group, label: placed.get(index) ?? null }))
  // The picked point last, so it is drawn over its neighbours.
  return [...withLabels.filter((g) => !isPicked(g)), ...withLabels.filter(isPicked)]
}

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
