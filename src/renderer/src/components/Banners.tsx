import { useStore } from '../hooks/useStore'
import { dismissError, restartEngine, stopOtherRun } from '../services/actions'
import { linkNotice } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'
import { ghostButton, secondaryButton } from '../lib/ui'
import { AlertIcon, CloseIcon, Spinner } from './Icons'

const bar = 'flex items-start gap-3 border-b px-4 py-2.5 text-sm'

/** Notices about the engine and the link, and the current error; stacked under the header. */
export function Banners() {
  const crashNotice = useStore(engineStore, (s) => s.crashNotice)
  const notice = useStore(engineStore, linkNotice)
  const error = useStore(engineStore, (s) => s.banner)
  const otherRun = useStore(engineStore, (s) => s.otherRunId)
  // The host stopped restarting an engine that kept dying; a load starts a fresh one.
  const gaveUp = useStore(engineStore, (s) => s.status?.state === 'error')
  return (
    <div aria-live="polite">
      {crashNotice && (
        <div
          data-testid="engine-banner"
          role="status"
          className={`${bar} border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/60 dark:text-amber-100`}
        >
          <Spinner className="mt-0.5 text-amber-600 dark:text-amber-400" />
          <p>
            <span className="font-medium">The engine stopped unexpectedly — restarting…</span>{' '}
            <span className="text-amber-800 dark:text-amber-200/80">
              Your output stays here; the model is reloaded for you.
            </span>
          </p>
        </div>
      )}
      {notice === 'reconnecting' && (
        <div
          data-testid="connection-banner"
          role="status"
          className={`${bar} border-sky-200 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/60 dark:text-sky-100`}
        >
          <Spinner className="mt-0.5 text-sky-600 dark:text-sky-400" />
          <p className="font-medium">Reconnecting to Tokenscope…</p>
        </div>
      )}
      {notice === 'unreachable' && (
        <div
          data-testid="connection-banner"
          role="alert"
          className={`${bar} border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100`}
        >
          <AlertIcon className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" />
          <p>
            <span className="font-medium">Cannot connect to Tokenscope.</span>{' '}
            <span className="text-red-800 dark:text-red-200/80">
              Check that it is still running and that you opened the exact address it printed, with
              its access key.
            </span>
          </p>
        </div>
      )}
      {error && (
        <div
          data-testid="error-banner"
          role="alert"
          className={`${bar} border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100`}
        >
          <AlertIcon className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" />
          <div className="min-w-0 flex-1">
            <p className="font-medium">{error.message}</p>
            {error.hint && <p className="text-red-800 dark:text-red-200/80">{error.hint}</p>}
          </div>
          {error.code === 'engine-crashed' && gaveUp && (
            <button
              type="button"
              className={`${secondaryButton} -my-1 h-7 text-xs`}
              onClick={restartEngine}
            >
              Restart the engine
            </button>
          )}
          {error.code === 'run-busy' && otherRun && (
            <button
              type="button"
              className={`${secondaryButton} -my-1 h-7 text-xs`}
              onClick={stopOtherRun}
            >
              Stop the other run
            </button>
          )}
          <button
            type="button"
            className={`${ghostButton} -my-1 h-7 w-7 px-0 text-red-700 hover:bg-red-100 dark:text-red-300 dark:hover:bg-red-900/60`}
            onClick={dismissError}
            aria-label="Dismiss error"
          >
            <CloseIcon />
          </button>
        </div>
      )}
    </div>
  )
}
