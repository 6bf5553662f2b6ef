import type { ReplyView } from '../inspector/prefs'
import { focusRing } from '../lib/ui'

export interface TextViewSwitchProps {
  current: ReplyView
  onChange: (view: ReplyView) => void
  /** What the switch is for, e.g. "Show replies as". */
  label: string
  /** Test ids are `${testIdPrefix}-markdown` and `${testIdPrefix}-tokens`. */
  testIdPrefix: string
  /** A line on each view. */
  help: Record<ReplyView, string>
}

const views: { id: ReplyView; name: string }[] = [
  { id: 'markdown', name: 'Markdown' },
  { id: 'tokens', name: 'Tokens' },
]

/** Generated text as rendered Markdown or as token chips: one segmented switch for every view. */
export function TextViewSwitch({
  current,
  onChange,
  label,
  testIdPrefix,
  help,
}: TextViewSwitchProps) {
  return (
    <div
      role="group"
      aria-label={label}
      className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-0.5 text-[11px] dark:border-slate-700 dark:bg-slate-800"
    >
      {views.map((view) => (
        <button
          key={view.id}
          type="button"
          data-testid={`${testIdPrefix}-${view.id}`}
          aria-pressed={view.id === current}
          title={help[view.id]}
          onClick={() => onChange(view.id)}
          className={`rounded-md px-2 py-0.5 font-medium ${focusRing} ${
            view.id === current
              ? 'bg-white text-violet-700 shadow-sm dark:bg-slate-950 dark:text-violet-300'
              : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
          }`}
        >
          {view.name}
        </button>
      ))}
    </div>
  )
}
