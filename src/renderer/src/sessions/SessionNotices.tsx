import { AlertIcon, CloseIcon } from '../components/Icons'
import { useStore } from '../hooks/useStore'
import { ghostButton } from '../lib/ui'
import { undoDelete } from './session-actions'
import { sessionListStore } from './stores'
import { untitled } from './session-list'

const notice = 'flex items-start gap-2 rounded-lg border px-2.5 py-2 text-xs leading-snug'
const close = `${ghostButton} -my-1 -mr-1 h-6 w-6 shrink-0 px-0`

/** Storage problems (files moved aside or refused) and failed session actions, dismissible. */
export function SessionNotices() {
  const problems = useStore(sessionListStore, (s) => (s.problemsDismissed ? null : s.problems))
  const error = useStore(sessionListStore, (s) => s.error)
  const details = useStore(sessionListStore, (s) => s.errorDetails)
  return (
    <>
      {problems && problems.length > 0 && (
        <div
          role="alert"
          data-testid="storage-problems"
          className={`${notice} mx-3 mb-2 border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/60 dark:text-amber-100`}
        >
          <AlertIcon className="mt-px size-3.5 shrink-0 text-amber-600 dark:text-amber-400" />
          <ul className="min-w-0 flex-1 space-y-1 [overflow-wrap:anywhere]">
            {problems.map((p) => (
              <li key={p.file}>{p.message}</li>
            ))}
          </ul>
          <button
            type="button"
            className={close}
            onClick={() => sessionListStore.dispatch({ type: 'problemsDismissed' })}
            aria-label="Dismiss storage notice"
          >
            <CloseIcon className="size-3.5" />
          </button>
        </div>
      )}
      {error && (
        <div
          role="alert"
          data-testid="session-error"
          className={`${notice} mx-3 mb-2 border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100`}
        >
          <AlertIcon className="mt-px size-3.5 shrink-0 text-red-600 dark:text-red-400" />
          <div className="min-w-0 flex-1 [overflow-wrap:anywhere]">
            <p data-testid="session-error-message">{error}</p>
            {details && (
              <details data-testid="session-error-details" className="mt-1">
                <summary className="cursor-pointer text-red-800 select-none dark:text-red-200/80">
                  Details
                </summary>
                <pre className="mt-1 max-h-40 overflow-auto font-mono text-[10px] leading-snug whitespace-pre-wrap">
                  {details}
                </pre>
              </details>
            )}
          </div>
          <button
            type="button"
            className={close}
            onClick={() => sessionListStore.dispatch({ type: 'errorDismissed' })}
            aria-label="Dismiss"
          >
            <CloseIcon className="size-3.5" />
          </button>
        </div>
      )}
    </>
  )
}

/** "Deleted … Undo", for a few seconds after a delete, above the sidebar's footer. */
export function UndoToast() {
  const undo = useStore(sessionListStore, (s) => s.undo)
  if (!undo) return null
  return (
    <div
      role="status"
      data-testid="undo-toast"
      className="mx-3 mb-2 flex items-center gap-2 rounded-lg bg-slate-900 py-1.5 pr-1.5 pl-3 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900"
    >
      <span className="line-clamp-2 min-w-0 flex-1 [overflow-wrap:anywhere]">
        Deleted “{undo.title || untitled(undo.kind)}”
      </span>
      <button
        type="button"
        data-testid="undo-button"
        className="rounded px-1.5 py-0.5 font-semibold text-violet-300 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-violet-400 dark:text-violet-700 dark:hover:bg-slate-900/10"
        onClick={() => void undoDelete()}
      >
        Undo
      </button>
      <button
        type="button"
        className="rounded p-0.5 opacity-70 hover:opacity-100"
        onClick={() => sessionListStore.dispatch({ type: 'undoDismissed' })}
        aria-label="Dismiss"
      >
        <CloseIcon className="size-3.5" />
      </button>
    </div>
  )
}
