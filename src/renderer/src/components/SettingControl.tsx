import { useId, useState, type ReactNode } from 'react'
import { focusRing, mutedText } from '../lib/ui'
import { parseSettingInput, type SettingField } from '../stores/settings'

export interface SettingControlProps {
  field: SettingField
  value: number
  onChange: (value: number) => void
  testId: string
  /** Drawn before the number input; the seed puts its "random" button there. */
  extra?: ReactNode
  /** The seed has no useful slider. */
  slider?: boolean
  /** Keeps the help text for screen readers and the label's tooltip only, where space is short. */
  compact?: boolean
}

const numberInput = `h-7 rounded-md border border-slate-300 bg-white px-2 text-right text-sm tabular-nums text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`

/** A slider plus a number input; the input takes the whole accepted range, the slider the useful part. */
export function SettingControl(props: SettingControlProps) {
  const { field, value, onChange, testId, extra, slider = true, compact = false } = props
  const id = useId()
  // What the person is typing, kept until it parses, so "0." does not snap back to "0".
  const [draft, setDraft] = useState<string | null>(null)
  const note = field.describe?.(value) ?? null
  return (
    <div className={compact ? 'py-1.5' : 'py-2'}>
      <div className="flex items-center gap-2">
        <label
          htmlFor={`${id}-input`}
          className="mr-auto text-sm font-medium"
          title={compact ? field.help : undefined}
        >
          {field.label}
          {note && (
            <span className="ml-2 rounded bg-slate-100 px-1.5 py-px text-[11px] font-medium text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {note}
            </span>
          )}
        </label>
        {extra}
        <input
          id={`${id}-input`}
          data-testid={testId}
          type="number"
          inputMode={field.integer ? 'numeric' : 'decimal'}
          min={field.min}
          max={field.max}
          step={field.step}
          value={draft ?? String(value)}
          aria-describedby={`${id}-help`}
          className={`${numberInput} ${field.max > 99_999 ? 'w-28' : 'w-20'}`}
          onChange={(event) => {
            setDraft(event.target.value)
            const parsed = parseSettingInput(field.key, event.target.value)
            if (parsed !== null) onChange(parsed)
          }}
          onBlur={() => setDraft(null)}
        />
      </div>
      {slider && (
        <input
          type="range"
          aria-label={`${field.label} slider`}
          min={field.min}
          max={field.sliderMax}
          step={field.step}
          value={Math.min(value, field.sliderMax)}
          onChange={(event) => {
            setDraft(null)
            onChange(Number(event.target.value))
          }}
          className={`mt-1.5 block h-1.5 w-full cursor-pointer accent-violet-600 dark:accent-violet-400 ${focusRing}`}
        />
      )}
      <p
        id={`${id}-help`}
        className={compact ? 'sr-only' : `mt-1 text-xs leading-snug ${mutedText}`}
      >
        {field.help}
      </p>
    </div>
  )
}
