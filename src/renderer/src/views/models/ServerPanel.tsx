import { useEffect, useState } from 'react'
import type { ApiServerChange, ApiServerStatus } from '../../../../shared/api-server'
import { toAppError, type AppError } from '../../../../shared/errors'
import { CopyButton } from '../../components/CopyButton'
import { mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { getConnection } from '../../services/engine-connection'
import { ApiKeyNotice } from './ApiKeyNotice'
import { Badge, ErrorNote, Panel, smallInput } from './models-ui'
import { ServerRequestLog } from './ServerRequestLog'

/** How often the panel asks the host for the API's state and request log while it is shown. */
const refreshMs = 2000
const shownRequests = 12

/**
 * The OpenAI-compatible API: turn it on or off, its port, whether requests become sessions, its
 * key (shown once when made), and its latest requests with their token counts and speed.
 */
export function ServerPanel() {
  const [status, setStatus] = useState<ApiServerStatus | null>(null)
  const [portText, setPortText] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [newKey, setNewKey] = useState<string | null>(null)
  const [confirmRenew, setConfirmRenew] = useState(false)
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

  const change = async (work: () => Promise<ApiServerChange>) => {
    setBusy(true)
    setError(null)
    try {
      const result = await work()
      setStatus(result.status)
      if (result.newKey) setNewKey(result.newKey)
      setPortText(null)
    } catch (failure) {
      setError(toAppError(failure))
    } finally {
      setBusy(false)
    }
  }
  const bridge = () => getConnection().bridge
  const on = status?.state === 'listening'
  const port = portText ?? String(status?.port ?? '')
  const turnOn = () => {
    const number = Number(port)
    if (port.trim() === '' || !Number.isInteger(number) || number < 0 || number > 65535) {
      setError({
        code: 'invalid-request',
        message: `"${port}" is not a port.`,
        hint: 'Use a whole number from 0 to 65535; 0 picks any free port.',
      })
      return
    }
    void change(() => bridge().setApiServer({ on: true, port: number }))
  }

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
      ) : (
        <div className="space-y-3">
          {newKey && (
            <ApiKeyNotice apiKey={newKey} url={status.url} onDone={() => setNewKey(null)} />
          )}
          {error && <ErrorNote error={error} testId="server-error" />}
          {on ? (
            <dl className="space-y-2 text-sm">
              <dt className={`text-xs ${mutedText}`}>Address</dt>
              <dd className="flex min-w-0 items-center gap-1">
                <span className="font-mono break-all" data-testid="server-url">
                  {status.url}
                </span>
                <CopyButton text={() => status.url ?? ''} title="Copy the address" label="" />
              </dd>
              <dt className={`text-xs ${mutedText}`}>Key</dt>
              <dd className="flex flex-wrap items-center gap-2">
                <span>Only its hash is kept.</span>
                {confirmRenew ? (
                  <span className="flex items-center gap-1">
                    <button
                      type="button"
                      data-testid="renew-api-key-confirm"
                      disabled={busy}
                      className={`${secondaryButton} h-7 text-xs`}
                      onClick={() => {
                        setConfirmRenew(false)
                        void change(() => bridge().renewApiKey())
                      }}
                    >
                      Replace the key
                    </button>
                    <button
                      type="button"
                      className={`${secondaryButton} h-7 text-xs`}
                      onClick={() => setConfirmRenew(false)}
                    >
                      Keep it
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    data-testid="renew-api-key"
                    className={`${secondaryButton} h-7 text-xs`}
                    title="Make a new key; the current one stops working at once"
                    onClick={() => setConfirmRenew(true)}
                  >
                    New key…
                  </button>
                )}
              </dd>
            </dl>
          ) : (
            <p className={`text-sm ${mutedText}`} data-testid="server-off">
              Scripts, notebooks and other apps on this computer can use the loaded model through an
              OpenAI-compatible API. It listens on 127.0.0.1 only and needs a key.
            </p>
          )}
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex w-24 flex-col gap-1 text-xs">
              <span className={mutedText}>Port</span>
              <input
                data-testid="server-port"
                inputMode="numeric"
                className={smallInput}
                value={port}
                disabled={on || busy}
                title={on ? 'Turn the API off to change its port' : '0 picks any free port'}
                onChange={(event) => setPortText(event.target.value)}
                onKeyDown={(event) => event.key === 'Enter' && !on && turnOn()}
              />
            </label>
            <label className="flex h-8 items-center gap-2 text-sm">
              <input
                type="checkbox"
                data-testid="server-recording"
                checked={status.recording}
                disabled={busy}
                onChange={(event) =>
                  void change(() => bridge().setApiServer({ on, recording: event.target.checked }))
                }
              />
              Save each request as a session
            </label>
            <button
              type="button"
              data-testid="server-toggle"
              disabled={busy}
              className={`${on ? secondaryButton : primaryButton} ml-auto h-8`}
              onClick={() =>
                on ? void change(() => bridge().setApiServer({ on: false })) : turnOn()
              }
            >
              {busy ? 'Working…' : on ? 'Turn off' : 'Turn on'}
            </button>
          </div>
          {on && <ServerRequestLog requests={status.requests.slice(0, shownRequests)} />}
        </div>
      )}
    </Panel>
  )
}
