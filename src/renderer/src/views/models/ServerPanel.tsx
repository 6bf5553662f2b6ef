import { useEffect, useState } from 'react'
import type { ApiServerStatus } from '../../../../shared/api-server'
import { mutedText } from '../../lib/ui'
import { getConnection } from '../../services/session'
import { Badge, Panel } from './models-ui'

/** How often the panel asks the host for the API's state and request log while it is shown. */
const refreshMs = 2000
const shownRequests = 12

/**
 * The OpenAI-compatible API (`npm run serve -- --api`): whether it is on, its address, and its
 * latest requests with their token counts and speed. The key is never shown here: the host keeps
 * only its hash, and printed the key once when it made it.
 */
export function ServerPanel() {
  const [status, setStatus] = useState<ApiServerStatus | null>(null)
  useEffect(() => {
    let live = true
    const refresh = () =>
      getConnection()
        .bridge.getApiServer()
        .then(
          (next) => live && setStatus(next),
          () => undefined,
        )
    void refresh()
    const timer = setInterval(refresh, refreshMs)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])
  const on = status?.state === 'listening'
  return (
    <Panel
      title="Server"
      testId="server-panel"
      actions={
        status && (
          <Badge tone={on ? 'emerald' : 'slate'} testId="server-state">
            {on ? 'API on' : 'API off'}
          </Badge>
        )
      }
    >
      {!status ? (
        <p className={`text-sm ${mutedText}`}>Asking the host…</p>
      ) : !on ? (
        <p className={`text-sm ${mutedText}`} data-testid="server-off">
          The OpenAI-compatible API is off. Start it with{' '}
          <code className="font-mono">npm run serve -- --api</code>; it listens on 127.0.0.1 only.
        </p>
      ) : (
        <>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className={mutedText}>Address</dt>
            <dd className="truncate font-mono" data-testid="server-url" title={status.url ?? ''}>
              {status.url}
            </dd>
            <dt className={mutedText}>Key</dt>
            <dd>Shown once in the terminal; only its hash is kept.</dd>
            <dt className={mutedText}>Sessions</dt>
            <dd data-testid="server-recording">
              {status.recording ? 'Each request is saved' : 'Not saved (--api-no-sessions)'}
            </dd>
          </dl>
          <RequestLog requests={status.requests.slice(0, shownRequests)} />
        </>
      )}
    </Panel>
  )
}

function RequestLog({ requests }: { requests: ApiServerStatus['requests'] }) {
  if (requests.length === 0) {
    return <p className={`text-sm ${mutedText}`}>No requests yet.</p>
  }
  return (
    <table className="w-full text-xs tabular-nums" data-testid="server-requests">
      <thead className={mutedText}>
        <tr className="text-left">
          <th className="font-normal">Time</th>
          <th className="font-normal">Request</th>
          <th className="text-right font-normal">Tokens</th>
          <th className="text-right font-normal">tok/s</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r, i) => (
          <tr key={`${r.at}-${i}`} data-testid="server-request">
            <td className="pr-2 whitespace-nowrap">
              {new Date(r.at).toLocaleTimeString([], { hour12: false })}
            </td>
            <td className="pr-2 whitespace-nowrap" title={`${r.method} ${r.path}`}>
              <span className={r.status >= 400 ? 'text-red-600 dark:text-red-400' : ''}>
                {r.status}
              </span>{' '}
              {endpointLabel(r.path)}
            </td>
            <td className="text-right whitespace-nowrap">
              {r.promptTokens === null ? '–' : `${r.promptTokens} + ${r.completionTokens}`}
            </td>
            <td className="text-right">
              {r.tokensPerSecond === null ? '–' : r.tokensPerSecond.toFixed(1)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A short name for an endpoint, for the narrow log. */
function endpointLabel(path: string): string {
  const names: Record<string, string> = {
    '/v1/completions': 'completion',
    '/v1/chat/completions': 'chat',
    '/v1/models': 'models',
  }
  return names[path.replace(/\/+$/, '')] ?? path
}
