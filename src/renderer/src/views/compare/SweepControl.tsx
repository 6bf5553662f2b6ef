import { Fragment, useId, useState } from 'react'
import { focusRing, mutedText, secondaryButton } from '../../lib/ui'
import { fieldFor, parseSettingInput } from '../../stores/settings'
import { compareStore } from './compare-actions'
import { sweepValues, type SweepParam } from './compare-state'

const params: { id: SweepParam; label: string; from: number; to: number }[] = [
  { id: 'temperature', label: 'Temperature', from: 0.2, to: 1.4 },
  { id: 'topK', label: 'Top-k', from: 5, to: 80 },
  { id: 'topP', label: 'Top-p', from: 0.5, to: 1 },
  { id: 'minP', label: 'Min-p', from: 0, to: 0.3 },
]

const input = `h-8 rounded-md border border-slate-300 bg-white px-2 text-sm tabular-nums text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`

export interface SweepControlProps {
  columns: number
  disabled: boolean
}

/** Fills the columns with evenly spaced values of one parameter. */
export function SweepControl({ columns, disabled }: SweepControlProps) {
  const id = useId()
  const [param, setParam] = useState<SweepParam>('temperature')
  const [range, setRange] = useState({ from: '0.2', to: '1.4' })
  const from = parseSettingInput(param, range.from)
  const to = parseSettingInput(param, range.to)
  const field = fieldFor(param)
  const preview = from !== null && to !== null ? sweepValues({ param, from, to }, columns) : null
  return (
    <fieldset
      disabled={disabled}
      className="flex flex-wrap items-center gap-2 text-sm disabled:opacity-60"
    >
      <legend className="sr-only">Sweep one parameter across the columns</legend>
      <label htmlFor={`${id}-param`} className="font-medium">
        Sweep
      </label>
      <select
        id={`${id}-param`}
        data-testid="sweep-param"
        className={input}
        value={param}
        onChange={(event) => {
          const next = params.find((p) => p.id === event.target.value)
          if (!next) return
          setParam(next.id)
          setRange({ from: String(next.from), to: String(next.to) })
        }}
      >
        {params.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      {(['from', 'to'] as const).map((end) => (
        <Fragment key={end}>
          <label htmlFor={`${id}-${end}`} className={mutedText}>
            {end}
          </label>
          <input
            id={`${id}-${end}`}
            data-testid={`sweep-${end}`}
            type="number"
            min={field.min}
            max={field.max}
            step={field.step}
            className={`${input} w-20`}
            value={range[end]}
            onChange={(event) => setRange({ ...range, [end]: event.target.value })}
          />
        </Fragment>
      ))}
      <button
        type="button"
        data-testid="sweep-apply"
        className={`${secondaryButton} h-8`}
        disabled={preview === null}
        title={preview === null ? 'Enter two numbers' : undefined}
        onClick={() => {
          if (from === null || to === null) return
          compareStore.dispatch({ type: 'sweepApplied', sweep: { param, from, to } })
        }}
      >
        Fill {columns} columns
      </button>
      {preview && (
        <span className={`text-xs tabular-nums ${mutedText}`} aria-live="polite">
          → {preview.join(' · ')}
        </span>
      )}
    </fieldset>
  )
}
