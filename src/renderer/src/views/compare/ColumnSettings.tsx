import { useState } from 'react'
import { SettingControl } from '../../components/SettingControl'
import { focusRing, mutedText } from '../../lib/ui'
import {
  describeSampling,
  readSetting,
  settingFields,
  type SettingKey,
} from '../../stores/settings'
import { useStore } from '../../hooks/useStore'
import { builtInPresets, presetLabel } from '../../inspector/presets'
import { inspectorPrefsStore } from '../../inspector/stores'
import type { CompareColumn } from './compare-state'
import { compareStore } from './compare-actions'
import { ColumnEngine } from './ColumnEngine'

const inputIds: Record<SettingKey, string> = {
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  minP: 'min-p',
  seed: 'seed',
  maxTokens: 'max-tokens',
  repeatPenalty: 'repeat-penalty',
  presencePenalty: 'presence-penalty',
  frequencyPenalty: 'frequency-penalty',
  penaltyWindow: 'penalty-window',
}

export interface ColumnSettingsProps {
  column: CompareColumn
  index: number
  disabled: boolean
  sameSeed: boolean
}

const select = `h-7 rounded-md border border-slate-300 bg-white px-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`

/** A column's preset and sampler settings; folded into one line when a run starts. */
export function ColumnSettings({ column, index, disabled, sameSeed }: ColumnSettingsProps) {
  const { settings } = column
  const userPresets = useStore(inspectorPrefsStore, (s) => s.userPresets)
  const all = [...builtInPresets, ...userPresets]
  const label = presetLabel(settings.sampling, userPresets)
  const [open, setOpen] = useState(true)
  const [runSeen, setRunSeen] = useState(column.run.runId)
  // A new run folds the knobs away so its output shows (adjusting state during render).
  if (runSeen !== column.run.runId) {
    setRunSeen(column.run.runId)
    if (column.run.runId !== null) setOpen(false)
  }
  const set = (setting: SettingKey) => (value: number) =>
    compareStore.dispatch({ type: 'settingChanged', key: column.key, setting, value })
  return (
    <details
      data-testid="column-settings"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
      className="group border-b border-slate-100 dark:border-slate-800"
    >
      <summary
        className={`flex cursor-pointer items-center gap-2 px-4 py-2 text-xs select-none ${focusRing}`}
      >
        <span className="transition-transform group-open:rotate-90" aria-hidden="true">
          ▸
        </span>
        <span className="font-medium">Settings</span>
        <span data-testid={`compare-preset-label-${index}`} className="font-medium">
          {label}
        </span>
        <span className={`truncate ${mutedText}`}>
          {describeSampling(settings.sampling)} · {settings.maxTokens} max
        </span>
      </summary>
      <fieldset disabled={disabled} className="px-4 pb-2 disabled:opacity-60">
        <legend className="sr-only">Settings of column {index + 1}</legend>
        <ColumnEngine column={column} index={index} selectClass={select} />
        <label className="flex items-center gap-2 py-1 text-sm font-medium">
          <span className="mr-auto">Preset</span>
          <select
            data-testid={`compare-preset-${index}`}
            className={`${select} max-w-[11rem]`}
            value={label === 'Custom' ? '' : label}
            onChange={(event) => {
              const preset = all.find((p) => p.name === event.target.value)
              if (preset)
                compareStore.dispatch({
                  type: 'presetApplied',
                  key: column.key,
                  settings: preset.settings,
                })
            }}
          >
            <option value="">Custom</option>
            {all.map((p) => (
              <option key={p.name} value={p.name} title={p.description || undefined}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <div className="grid grid-cols-1 gap-x-5 @md:grid-cols-2">
          {settingFields.map((field) => (
            <SettingControl
              key={field.key}
              field={field}
              value={readSetting(settings, field.key)}
              onChange={set(field.key)}
              testId={`compare-${inputIds[field.key]}-input-${index}`}
              slider={field.key !== 'seed'}
              compact
              extra={
                field.key === 'seed' && sameSeed && index > 0 ? (
                  <span className={`text-[11px] ${mutedText}`} title="Same seed for all is on">
                    shared
                  </span>
                ) : undefined
              }
            />
          ))}
        </div>
      </fieldset>
    </details>
  )
}
