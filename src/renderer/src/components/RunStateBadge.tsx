import { useStore } from '../hooks/useStore'
import { describeStopReason, runStateLabel, type RunStateLabel } from '../stores/run-status'
import { runStore } from '../stores/stores'

const badgeClass: Record<RunStateLabel, string> = {
  idle: 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300',
  running: 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200',
  ended: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
}

/** The run's state in one word (the e2e tests read it), with the reason it stopped beside it. */
export function RunStateBadge() {
  const label = useStore(runStore, runStateLabel)
  const reason = useStore(runStore, (s) => s.stopReason)
  const stopping = useStore(runStore, (s) => s.stopping)
  const error = useStore(runStore, (s) => s.error)
  const detail =
    label === 'ended' && reason
      ? describeStopReason(reason)
      : label === 'running' && stopping
        ? 'stopping…'
        : label === 'failed' && error?.code === 'engine-crashed'
          ? 'the engine stopped; the output so far is kept'
          : label === 'failed' && error
            ? error.message
            : null
  return (
    <span className="flex min-w-0 items-center gap-2 text-xs" aria-live="polite">
      <span
        data-testid="run-state"
        data-stop-reason={label === 'ended' && reason ? reason : undefined}
        className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 font-medium ${badgeClass[label]}`}
      >
        {label === 'running' && (
          <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-current" />
        )}
        {label}
      </span>
      {detail && <span className="truncate text-slate-500 dark:text-slate-400">{detail}</span>}
    </span>
  )
}
