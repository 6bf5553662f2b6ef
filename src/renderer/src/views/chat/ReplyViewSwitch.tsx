import { useStore } from '../../hooks/useStore'
import type { ReplyView } from '../../inspector/prefs'
import { inspectorPrefsStore } from '../../inspector/stores'
import { focusRing, ghostButton } from '../../lib/ui'

const views: { id: ReplyView; name: string; help: string }[] = [
  { id: 'markdown', name: 'Markdown', help: 'Replies rendered as Markdown; tokens stay tinted' },
  { id: 'tokens', name: 'Tokens', help: 'Replies as token chips, whitespace shown' },
]

/** How every reply reads, remembered for next time; each reply can still be switched alone. */
export function ReplyViewSwitch() {
  const current = useStore(inspectorPrefsStore, (s) => s.replyView)
  return (
    <div
      role="group"
      aria-label="Show replies as"
      className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-0.5 text-[11px] dark:border-slate-700 dark:bg-slate-800"
    >
      {views.map((view) => (
        <button
          key={view.id}
          type="button"
          data-testid={`reply-view-${view.id}`}
          aria-pressed={view.id === current}
          title={view.help}
          onClick={() => inspectorPrefsStore.dispatch({ type: 'replyView', view: view.id })}
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

/** One reply's own switch between the two views. */
export function ReplyViewToggle({
  view,
  onChange,
}: {
  view: ReplyView
  onChange: (view: ReplyView) => void
}) {
  const other = view === 'markdown' ? 'tokens' : 'markdown'
  return (
    <button
      type="button"
      data-testid="reply-view-toggle"
      data-view={view}
      className={`${ghostButton} h-6 text-xs select-none`}
      onClick={() => onChange(other)}
      title={other === 'tokens' ? 'Show this reply as token chips' : 'Show this reply as Markdown'}
    >
      {other === 'tokens' ? 'Show tokens' : 'Show Markdown'}
    </button>
  )
}
