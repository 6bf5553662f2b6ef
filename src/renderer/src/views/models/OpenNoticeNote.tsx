import { CloseIcon } from '../../components/Icons'
import { focusRing } from '../../lib/ui'
import type { OpenNotice } from './model-drop'

export interface OpenNoticeNoteProps {
  notice: OpenNotice
  onDismiss: () => void
}

/** Why a dropped file or the file dialog opened nothing, and what to do instead. */
export function OpenNoticeNote({ notice, onDismiss }: OpenNoticeNoteProps) {
  return (
    <div
      role="alert"
      data-testid="open-notice"
      data-kind={notice.kind}
      className="flex items-start gap-2 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <svg
        viewBox="0 0 24 24"
        width="16"
        height="16"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        strokeLinecap="round"
        aria-hidden="true"
        className="mt-0.5 shrink-0 text-amber-600 dark:text-amber-400"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M12 11v5M12 7.5v.01" />
      </svg>
      <div className="min-w-0 flex-1">
        <p className="font-medium break-words" data-testid="open-notice-message">
          {notice.message}
        </p>
        <p className="mt-0.5 break-words text-amber-900/80 dark:text-amber-200/80">{notice.hint}</p>
      </div>
      <button
        type="button"
        data-testid="open-notice-dismiss"
        aria-label="Dismiss"
        title="Dismiss"
        className={`-mr-1 shrink-0 rounded p-1 text-amber-800 hover:bg-amber-100 dark:text-amber-200 dark:hover:bg-amber-900/60 ${focusRing}`}
        onClick={onDismiss}
      >
        <CloseIcon width={14} height={14} />
      </button>
    </div>
  )
}
