import { useStore } from '../../hooks/useStore'
import type { ReplyView } from '../../inspector/prefs'
import { inspectorPrefsStore } from '../../inspector/stores'
import { ghostButton } from '../../lib/ui'
import { TextViewSwitch } from '../../components/TextViewSwitch'

/** How every reply reads, remembered for next time; each reply can still be switched alone. */
export function ReplyViewSwitch() {
  const current = useStore(inspectorPrefsStore, (s) => s.replyView)
  return (
    <TextViewSwitch
      current={current}
      onChange={(view) => inspectorPrefsStore.dispatch({ type: 'replyView', view })}
      label="Show replies as"
      testIdPrefix="reply-view"
      help={{
        markdown: 'Replies rendered as Markdown; tokens stay tinted',
        tokens: 'Replies as token chips, whitespace shown',
      }}
    />
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
