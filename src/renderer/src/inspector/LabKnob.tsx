import { useId } from 'react'
import type { ChainSettings } from '../../../shared/lab'
import { limits } from '../../../shared/schemas'
import { focusRing, mutedText } from '../lib/ui'
import { controlTooltips } from './presets'

interface Knob {
  key: keyof ChainSettings
  label: string
  max: number
  sliderMax: number
  step: number
  off: (value: number) => string | null
}

export const knobs: readonly Knob[] = [
  {
    key: 'temperature',
    label: 'Temperature',
    max: limits.temperature,
    sliderMax: 2,
    step: 0.05,
    off: () => null,
  },
  {
    key: 'topK',
    label: 'Top-k',
    max: limits.topK,
    sliderMax: 100,
    step: 1,
    off: (v) => (v === 0 ? 'off' : null),
  },
  {
    key: 'topP',
    label: 'Top-p',
    max: 1,
    sliderMax: 1,
    step: 0.01,
    off: (v) => (v >= 1 ? 'off' : null),
  },
  {
    key: 'minP',
    label: 'Min-p',
    max: 1,
    sliderMax: 1,
    step: 0.01,
    off: (v) => (v === 0 ? 'off' : null),
  },
]

const slug: Record<keyof ChainSettings, string> = {
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  minP: 'min-p',
}

function clamp(knob: Knob, value: number): number {
  if (!Number.isFinite(value)) return 0
  const v = knob.key === 'topK' ? Math.round(value) : value
  return Math.min(knob.max, Math.max(0, v))
}

/** A slider and a number for one setting of the Lab. */
export function LabKnob(props: {
  knob: Knob
  value: number
  onChange: (value: number) => void
  disabled?: boolean
}) {
  const { knob, value, onChange, disabled } = props
  const id = useId()
  const note = knob.off(value)
  return (
    <div
      className="grid grid-cols-[5.5rem_1fr_3.75rem] items-center gap-2"
      title={controlTooltips[knob.key]}
    >
      <label htmlFor={id} className="text-xs font-medium">
        {knob.label}
        {note && <span className={`ml-1 text-[10px] ${mutedText}`}>{note}</span>}
      </label>
      <input
        id={id}
        type="range"
        data-testid={`lab-${slug[knob.key]}`}
        min={0}
        max={knob.sliderMax}
        step={knob.step}
        value={Math.min(value, knob.sliderMax)}
        disabled={disabled}
        onChange={(event) => onChange(clamp(knob, Number(event.target.value)))}
        className={`h-1.5 w-full cursor-pointer accent-violet-600 disabled:cursor-not-allowed disabled:opacity-40 dark:accent-violet-400 ${focusRing}`}
      />
      <input
        type="number"
        aria-label={`${knob.label} value`}
        data-testid={`lab-${slug[knob.key]}-input`}
        min={0}
        max={knob.max}
        step={knob.step}
        value={value}
        disabled={disabled}
        onChange={(event) => {
          if (event.target.value.trim() !== '') onChange(clamp(knob, Number(event.target.value)))
        }}
        className={`h-6 w-full rounded border border-slate-300 bg-white px-1 text-right text-xs tabular-nums disabled:opacity-40 dark:border-slate-700 dark:bg-slate-950 ${focusRing}`}
      />
    </div>
  )
}
