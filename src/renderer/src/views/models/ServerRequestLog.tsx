import type { ApiServerStatus } from '../../../../shared/api-server'
import { mutedText } from '../../lib/ui'

/** The API's latest requests: when, what, status, tokens and speed. */
export function ServerRequestLog({ requests }: { requests: ApiServerStatus['requests'] }) {
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
