import { colorScales, unmeasuredChipClass, type ColorMode } from '../lib/probability-scale'
import { mutedText } from '../lib/ui'

export interface ProbabilityLegendProps {
  /** The colour mode to explain; model probability when left out. */
  mode?: ColorMode
  /** Whether the prompt's untinted chips are on screen to explain. */
  prompt?: boolean
  /** Why the chips of this run have no tint in this mode (a remote server did not measure it). */
  unmeasured?: string | null
  /** In the entropy mode: why the chips are tinted by a lower bound (a bounded run), or null. */
  bounded?: string | null
}

/** Explains the chip colours; the same classes as the chips, so they cannot drift apart. */
export function ProbabilityLegend({
  mode = 'probability',
  prompt = true,
  unmeasured = null,
  bounded = null,
}: ProbabilityLegendProps) {
  const scale = colorScales[mode]
  return (
    <div
      data-testid="color-legend"
      data-mode={mode}
      className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-[11px]"
      aria-label={`Colour legend: ${scale.title.toLowerCase()} of each token`}
    >
      <span className={`mr-0.5 ${mutedText}`} title={scale.help}>
        {scale.title}
      </span>
      {scale.bins.map((bin) => (
        <span
          key={bin.label}
          title={`${bin.description} (${bin.label})`}
          className={`rounded px-1.5 py-px font-medium whitespace-nowrap tabular-nums ${bin.chipClass}`}
        >
          {bin.label}
        </span>
      ))}
      {unmeasured && (
        <span
          data-testid="legend-not-reported"
          title={unmeasured}
          className={`ml-1 rounded px-1.5 py-px whitespace-nowrap ${unmeasuredChipClass}`}
        >
          not reported
        </span>
      )}
      {bounded && mode === 'entropy' && (
        <span
          data-testid="legend-bounded"
          title={bounded}
          className={`ml-1 rounded border border-slate-300 px-1.5 py-px whitespace-nowrap dark:border-slate-600 ${mutedText}`}
        >
          ≥ lower bound
        </span>
      )}
      {prompt && (
        <span className="ml-1 rounded border border-dashed border-slate-300 px-1.5 text-slate-600 dark:border-slate-600 dark:text-slate-300">
          prompt
        </span>
      )}
    </div>
  )
}
