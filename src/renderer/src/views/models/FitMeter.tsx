import { mutedText } from '../../lib/ui'
import { fitLabels, formatSize, meterLevel, type FitLevel } from './models-format'

export interface FitMeterProps {
  label: string
  needed: number
  free: number
  total: number
  testId: string
  /** The engine's verdict on the whole load. */
  fits: boolean
}

const barTones: Record<FitLevel, string> = {
  ok: 'bg-emerald-500 dark:bg-emerald-400',
  tight: 'bg-amber-500 dark:bg-amber-400',
  over: 'bg-red-500 dark:bg-red-400',
  none: 'bg-slate-300 dark:bg-slate-600',
}

const textTones: Record<FitLevel, string> = {
  ok: 'text-emerald-700 dark:text-emerald-300',
  tight: 'text-amber-700 dark:text-amber-300',
  over: 'text-red-700 dark:text-red-300',
  none: 'text-slate-500 dark:text-slate-400',
}

/**
 * What one kind of memory a load needs, against the machine: the bar is the total, the dark
 * part what is already in use, the coloured part what the load would add.
 */
export function FitMeter({ label, needed, free, total, testId, fits }: FitMeterProps) {
  const level = meterLevel(needed, free, fits)
  const absent = total <= 0
  const scale = Math.max(total, needed, 1)
  const used = Math.max(0, total - free)
  const usedWidth = (used / scale) * 100
  const neededWidth = Math.min(100 - usedWidth, (needed / scale) * 100)
  return (
    <div data-testid={testId} data-level={level}>
      <div className="flex items-baseline gap-2 text-sm">
        <span className="font-medium">{label}</span>
        <span className={`ml-auto text-xs font-semibold ${textTones[level]}`}>
          {absent && needed <= 0 ? 'None on this machine' : fitLabels[level]}
        </span>
      </div>
      <div
        className="mt-1 flex h-2.5 w-full overflow-hidden rounded-full bg-slate-100 ring-1 ring-slate-200 ring-inset dark:bg-slate-800 dark:ring-slate-700"
        aria-hidden="true"
      >
        <div
          className="h-full bg-slate-400/70 dark:bg-slate-600"
          style={{ width: `${usedWidth}%` }}
        />
        <div
          className={`h-full ${barTones[level]}`}
          style={{ width: `${Math.max(0, neededWidth)}%` }}
        />
      </div>
      <p className={`mt-1 text-xs tabular-nums ${mutedText}`}>
        <span className="font-medium text-slate-700 dark:text-slate-200">{formatSize(needed)}</span>{' '}
        needed · {formatSize(free)} free
        {total > 0 ? ` of ${formatSize(total)}` : ''}
      </p>
    </div>
  )
}
