import { useId, useState } from 'react'
import type { ChainSettings } from '../../../shared/lab'
import { useStore } from '../hooks/useStore'
import { focusRing, ghostButton, mutedText, secondaryButton } from '../lib/ui'
import { settingsStore } from '../stores/stores'
import { builtInPresets, matchingPreset, type SamplingPreset } from './presets'
import { inspectorPrefsStore } from './stores'

function apply(settings: ChainSettings): void {
  for (const key of ['temperature', 'topK', 'topP', 'minP'] as const) {
    settingsStore.dispatch({ type: 'set', key, value: settings[key] })
  }
}

const chip = (active: boolean) =>
  `inline-flex h-7 items-center rounded-full border px-2.5 text-xs font-medium ${focusRing} ${
    active
      ? 'border-violet-500 bg-violet-50 text-violet-800 dark:border-violet-400 dark:bg-violet-950 dark:text-violet-100'
      : 'border-slate-300 text-slate-700 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800'
  }`

function describe(preset: SamplingPreset): string {
  const s = preset.settings
  const line = `temperature ${s.temperature}, top-k ${s.topK || 'off'}, top-p ${s.topP}, min-p ${s.minP}`
  return preset.description ? `${preset.description} (${line})` : line
}

/** Built-in and saved sampling presets: one click sets the four sampler settings. */
export function PresetBar() {
  const sampling = useStore(settingsStore, (s) => s.sampling)
  const userPresets = useStore(inspectorPrefsStore, (s) => s.userPresets)
  const [naming, setNaming] = useState(false)
  const [name, setName] = useState('')
  const inputId = useId()
  const current = matchingPreset(sampling, [...builtInPresets, ...userPresets])
  const save = () => {
    if (name.trim() === '') return
    inspectorPrefsStore.dispatch({ type: 'presetSaved', name, settings: sampling })
    setName('')
    setNaming(false)
  }
  return (
    <div data-testid="preset-bar" className="mt-2">
      <div className="flex flex-wrap gap-1.5">
        {builtInPresets.map((preset) => (
          <button
            key={preset.name}
            type="button"
            data-testid="preset"
            data-preset={preset.name}
            aria-pressed={current?.name === preset.name}
            title={describe(preset)}
            className={chip(current?.name === preset.name)}
            onClick={() => apply(preset.settings)}
          >
            {preset.name}
          </button>
        ))}
        {userPresets.map((preset) => (
          <span key={preset.name} className="inline-flex items-center">
            <button
              type="button"
              data-testid="preset"
              data-preset={preset.name}
              data-user-preset
              aria-pressed={current?.name === preset.name}
              title={describe(preset)}
              className={`${chip(current?.name === preset.name)} rounded-r-none border-r-0`}
              onClick={() => apply(preset.settings)}
            >
              {preset.name}
            </button>
            <button
              type="button"
              aria-label={`Delete preset ${preset.name}`}
              title="Delete this preset"
              className={`${chip(false)} rounded-l-none px-1.5`}
              onClick={() =>
                inspectorPrefsStore.dispatch({ type: 'presetRemoved', name: preset.name })
              }
            >
              ×
            </button>
          </span>
        ))}
      </div>
      {naming ? (
        <form
          className="mt-2 flex items-center gap-1.5"
          onSubmit={(event) => {
            event.preventDefault()
            save()
          }}
        >
          <label htmlFor={inputId} className="sr-only">
            Preset name
          </label>
          <input
            id={inputId}
            data-testid="preset-name-input"
            autoFocus
            maxLength={40}
            value={name}
            placeholder="Name these settings"
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation()
                setNaming(false)
              }
            }}
            className={`h-7 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 text-xs dark:border-slate-700 dark:bg-slate-950 ${focusRing}`}
          />
          <button
            type="submit"
            data-testid="preset-save"
            className={`${secondaryButton} h-7 px-2 text-xs`}
            disabled={name.trim() === ''}
          >
            Save
          </button>
          <button
            type="button"
            className={`${ghostButton} text-xs`}
            onClick={() => setNaming(false)}
          >
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          data-testid="preset-new"
          className={`${ghostButton} mt-1 -ml-2 text-xs`}
          onClick={() => setNaming(true)}
          disabled={current !== undefined}
          title={
            current
              ? `These settings are already the “${current.name}” preset`
              : 'Save the current settings as a preset'
          }
        >
          + Save current as preset
        </button>
      )}
      {!current && <p className={`mt-0.5 text-[11px] ${mutedText}`}>Custom settings</p>}
    </div>
  )
}
