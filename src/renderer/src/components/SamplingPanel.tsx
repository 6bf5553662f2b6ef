import { describePenalties } from '../../../shared/penalties'
import { useStore } from '../hooks/useStore'
import { card, cardTitle, ghostButton, mutedText } from '../lib/ui'
import { isActive } from '../stores/run-status'
import { penaltyKeys, readSetting, settingFields, type SettingKey } from '../stores/settings'
import { runStore, seedLockStore, settingsStore } from '../stores/stores'
import { PresetBar } from '../inspector/PresetBar'
import { controlTooltips } from '../inspector/presets'
import { SeedControl } from './SeedControl'
import { SettingControl } from './SettingControl'
import { StopStringsControl } from './StopStringsControl'

const testIds: Record<SettingKey, string> = {
  temperature: 'temperature-input',
  topK: 'top-k-input',
  topP: 'top-p-input',
  minP: 'min-p-input',
  seed: 'seed-input',
  maxTokens: 'max-tokens-input',
  repeatPenalty: 'repeat-penalty-input',
  presencePenalty: 'presence-penalty-input',
  frequencyPenalty: 'frequency-penalty-input',
  penaltyWindow: 'penalty-window-input',
}

const isPenalty = (key: SettingKey) => (penaltyKeys as readonly SettingKey[]).includes(key)

/** What each sampler setting does to the distribution, shown when hovering its control. */
const tooltips: Partial<Record<SettingKey, string>> = {
  ...controlTooltips,
  maxTokens: 'Stops the run after this many new tokens; it does not change any probability.',
}

const set = (key: SettingKey) => (value: number) =>
  settingsStore.dispatch({ type: 'set', key, value })

export function SamplingPanel() {
  const settings = useStore(settingsStore, (s) => s)
  const running = useStore(runStore, isActive)
  return (
    <section aria-labelledby="sampling-title" className={`${card} px-4 pt-4 pb-2`}>
      <div className="flex items-center justify-between">
        <h2 id="sampling-title" className={cardTitle}>
          Sampling
        </h2>
        <button
          type="button"
          className={`${ghostButton} -mr-2 text-xs`}
          onClick={() => {
            settingsStore.dispatch({ type: 'reset' })
            seedLockStore.dispatch({ type: 'locked', locked: false })
          }}
        >
          Reset
        </button>
      </div>
      <p className={`mt-1 text-xs ${running ? 'text-violet-700 dark:text-violet-300' : mutedText}`}>
        {running
          ? 'Changes apply to the next run.'
          : 'Applied to the next run, in this order: penalties → top-k → top-p → min-p → temperature.'}
      </p>
      <PresetBar />
      <div className="mt-1 divide-y divide-slate-100 dark:divide-slate-800">
        {settingFields
          .filter((field) => field.key !== 'seed' && !isPenalty(field.key))
          .map((field) => (
            <div key={field.key} title={tooltips[field.key]}>
              <SettingControl
                field={field}
                value={readSetting(settings, field.key)}
                onChange={set(field.key)}
                testId={testIds[field.key]}
              />
            </div>
          ))}
        <SeedControl />
        <StopStringsControl />
        <details data-testid="penalties" className="group py-1">
          <summary className="cursor-pointer py-1 text-sm font-medium select-none">
            Penalties
            <span className={`ml-2 text-xs font-normal ${mutedText}`}>
              {describePenalties(settings.sampling)}
            </span>
          </summary>
          {settingFields
            .filter((field) => isPenalty(field.key))
            .map((field) => (
              <div key={field.key} title={field.help}>
                <SettingControl
                  field={field}
                  value={readSetting(settings, field.key)}
                  onChange={set(field.key)}
                  testId={testIds[field.key]}
                />
              </div>
            ))}
        </details>
      </div>
    </section>
  )
}
