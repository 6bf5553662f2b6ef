import { useStore } from '../hooks/useStore'
import { focusRing } from '../lib/ui'
import { fieldFor } from '../stores/settings'
import { seedLockStore, setSeedByHand, settingsStore } from '../stores/stores'
import { LockIcon } from './Icons'
import { SettingControl } from './SettingControl'

const toggleClass = (locked: boolean) =>
  `inline-flex h-7 items-center gap-1 rounded-md border px-2 text-xs font-medium ${focusRing} ${
    locked
      ? 'border-violet-500 bg-violet-50 text-violet-800 dark:border-violet-400 dark:bg-violet-950 dark:text-violet-100'
      : 'border-slate-300 text-slate-600 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800'
  }`

/**
 * The seed and its lock. Unlocked, each run draws a new seed and the box shows the last one
 * drawn; locked (or typed by hand), every run uses the seed in the box.
 */
export function SeedControl() {
  const seed = useStore(settingsStore, (s) => s.sampling.seed)
  const locked = useStore(seedLockStore, (s) => s)
  const field = {
    ...fieldFor('seed'),
    help: locked
      ? 'Locked: every run uses this seed, so the same prompt and settings give the same text.'
      : 'A new seed for every run (this is the last one). Lock it to repeat that run exactly.',
  }
  return (
    <div
      data-testid="seed-control"
      data-locked={locked}
      title="Fixes the random draws: the same seed, prompt and settings give the same text."
    >
      <SettingControl
        field={field}
        value={seed}
        onChange={setSeedByHand}
        testId="seed-input"
        slider={false}
        extra={
          <button
            type="button"
            role="switch"
            aria-checked={locked}
            data-testid="seed-lock"
            className={toggleClass(locked)}
            onClick={() => seedLockStore.dispatch({ type: 'locked', locked: !locked })}
            title={locked ? 'Unlock: draw a new seed for every run' : 'Lock: reuse this seed'}
          >
            <LockIcon open={!locked} className="size-3.5" />
            {locked ? 'Locked' : 'New each run'}
          </button>
        }
      />
    </div>
  )
}
