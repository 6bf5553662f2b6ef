import { probabilityBins } from '../lib/probability-scale'
import { mutedText } from '../lib/ui'

/** Explains the chip colours; the same classes as the chips, so they cannot drift apart. */
export function ProbabilityLegend() {
  return (
    <div
      className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-[11px]"
      aria-label="Colour legend: model probability of each token"
    >
      <span className={`mr-0.5 ${mutedText}`}>Model probability</span>
      {probabilityBins.map((bin) => (
        <span
          key={bin.label}
          title={`${bin.description} (${bin.label})`}
          className={`rounded px-1.5 py-px font-medium tabular-nums ${bin.chipClass}`}
        >
          {bin.label}
        </span>
      ))}
      <span className="ml-1 rounded border border-dashed border-slate-300 px-1.5 text-slate-600 dark:border-slate-600 dark:text-slate-300">
        prompt
      </span>
    </div>
  )
}
