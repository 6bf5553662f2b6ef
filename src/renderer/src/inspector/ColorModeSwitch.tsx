import { useStore } from '../hooks/useStore'
import { colorModeIds, colorScales } from '../lib/probability-scale'
import { focusRing } from '../lib/ui'
import { inspectorPrefsStore } from './stores'

/** Picks what the chips' tint shows; the choice is saved for next time. */
export function ColorModeSwitch() {
  const mode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  return (
    <div
      role="group"
      aria-label="Colour tokens by"
      className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-0.5 text-[11px] dark:border-slate-700 dark:bg-slate-800"
    >
      {colorModeIds.map((id) => {
        const scale = colorScales[id]
        const active = id === mode
        return (
          <button
            key={id}
            type="button"
            data-testid={`color-mode-${id}`}
            aria-pressed={active}
            title={scale.help}
            onClick={() => inspectorPrefsStore.dispatch({ type: 'colorMode', mode: id })}
            className={`rounded-md px-2 py-0.5 font-medium ${focusRing} ${
              active
                ? 'bg-white text-violet-700 shadow-sm dark:bg-slate-950 dark:text-violet-300'
                : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
            }`}
          >
            {scale.name}
          </button>
        )
      })}
    </div>
  )
}
