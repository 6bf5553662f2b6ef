import { useStore } from '../hooks/useStore'
import { focusRing } from '../lib/ui'
import { remoteEngineStore, remoteHostLabel, remoteModelLabel } from '../stores/remote-engine'
import { chooseLocalEngine } from '../views/models/remote-actions'

/** Which engine Chat and Completion run on, when it is a remote one, and the way back. */
export function RemoteEngineBadge() {
  const choice = useStore(remoteEngineStore, (s) => s.choice)
  if (!choice) return null
  return (
    <span
      data-testid="remote-engine-badge"
      className="flex min-w-0 shrink items-center gap-1 rounded bg-sky-100 py-0.5 pr-0.5 pl-1.5 text-[11px] text-sky-900 dark:bg-sky-900/60 dark:text-sky-100"
      title={`Replies come from ${choice.model} at ${choice.url}`}
    >
      <span className="truncate">
        Remote: <span className="font-mono">{remoteModelLabel(choice)}</span> ·{' '}
        {remoteHostLabel(choice.url)}
      </span>
      <button
        type="button"
        data-testid="badge-use-local"
        className={`shrink-0 rounded px-1 hover:bg-sky-200 dark:hover:bg-sky-800 ${focusRing}`}
        onClick={chooseLocalEngine}
        title="Run Chat and Completion on the local engine again"
      >
        Use local
      </button>
    </span>
  )
}

/** In place of the context gauge: the remote server's tokenizer and context are its own. */
export function RemoteGaugeNote() {
  return (
    <p
      data-testid="chat-remote-gauge"
      className="rounded-lg border border-slate-200 px-3 py-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-300"
    >
      Context gauge: not reported — the remote server tokenizes and holds the context itself.
    </p>
  )
}
