import { focusRing, mutedText } from '../../lib/ui'

export interface SimilarityMatrixProps {
  labels: readonly string[]
  matrix: readonly (readonly number[])[]
  selected: number | null
  onSelect: (index: number | null) => void
}

const short = (label: string) => (label.length > 14 ? `${label.slice(0, 13)}…` : label)

/**
 * Every pair's cosine similarity, tinted on the range this list spans (off the diagonal), so
 * the differences show even when all the values are close to each other.
 */
export function SimilarityMatrix({ labels, matrix, selected, onSelect }: SimilarityMatrixProps) {
  const off = matrix.flatMap((row, i) => row.filter((_, j) => j !== i))
  const low = Math.min(...off)
  const high = Math.max(...off)
  // Enough decimals that values in a narrow range still differ on screen.
  const spread = high - low
  const digits = spread < 0.002 ? 4 : spread < 0.02 ? 3 : 2
  const shade = (value: number) =>
    high > low ? Math.max(0, Math.min(1, (value - low) / (high - low))) : 1
  return (
    <div>
      <div className="max-h-[60vh] overflow-auto">
        <table
          data-testid="similarity-matrix"
          className="border-separate border-spacing-0.5 text-xs tabular-nums"
        >
          <caption className="sr-only">
            Cosine similarity of every pair: 1 means the same direction, 0 unrelated, −1 opposite.
          </caption>
          <thead>
            <tr>
              <th />
              {labels.map((label, j) => (
                <th
                  key={j}
                  scope="col"
                  title={label}
                  className={`h-24 max-w-8 align-bottom font-normal whitespace-nowrap ${selected === j ? 'text-violet-700 dark:text-violet-300' : mutedText}`}
                >
                  <span className="inline-block origin-bottom-left translate-x-3 -rotate-60">
                    {short(label)}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.map((row, i) => (
              <tr key={i}>
                <th scope="row" className="pr-1 text-right font-normal whitespace-nowrap">
                  <button
                    type="button"
                    title={label(labels, i)}
                    aria-pressed={selected === i}
                    onClick={() => onSelect(selected === i ? null : i)}
                    className={`rounded px-1 ${focusRing} ${selected === i ? 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
                  >
                    {short(label(labels, i))}
                  </button>
                </th>
                {row.map((value, j) => {
                  const alpha = i === j ? 0.15 : 0.1 + 0.85 * shade(value)
                  const lit = selected !== null && (selected === i || selected === j)
                  return (
                    <td
                      key={j}
                      data-testid="similarity-cell"
                      title={`${label(labels, i)} · ${label(labels, j)}: ${value.toFixed(4)}`}
                      style={{ backgroundColor: `rgba(124, 58, 237, ${alpha.toFixed(3)})` }}
                      className={`h-8 rounded px-1 text-center ${alpha > 0.55 ? 'text-white' : ''} ${lit ? 'outline-2 outline-amber-500' : ''}`}
                    >
                      {value.toFixed(digits)}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {off.length > 0 && (
        <p className={`mt-2 flex items-center gap-2 text-xs ${mutedText}`}>
          <span>{low.toFixed(3)}</span>
          <span
            aria-hidden="true"
            className="h-2 w-24 rounded"
            style={{
              background: 'linear-gradient(to right, rgba(124,58,237,0.1), rgba(124,58,237,0.95))',
            }}
          />
          <span>{high.toFixed(3)}</span>
          <span>: the tint spans this list&apos;s lowest to highest similarity.</span>
        </p>
      )}
    </div>
  )
}

const label = (labels: readonly string[], i: number) => labels[i] ?? ''
