import { useEffect, useState } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { ReportedProbability } from '../../../../shared/remote'
import { useStore } from '../../hooks/useStore'
import { mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { remoteEngineStore, remoteModelLabel } from '../../stores/remote-engine'
import { addEndpoint, chooseLocalEngine, refreshEndpoints } from './remote-actions'
import { Badge, ErrorNote, Panel, smallInput } from './models-ui'
import { RemoteEndpointRow } from './RemoteEndpointRow'

/**
 * Remote engines: OpenAI-compatible servers (llama-server, vLLM, SGLang, Ollama, LM Studio,
 * another Tokenscope) whose models Chat can run on. The host makes every request; a key typed
 * here is kept by the host and never shown again.
 */
export function RemotePanel() {
  const endpoints = useStore(remoteEngineStore, (s) => s.endpoints)
  const choice = useStore(remoteEngineStore, (s) => s.choice)
  const [url, setUrl] = useState('')
  const [key, setKey] = useState('')
  const [probabilities, setProbabilities] = useState<ReportedProbability>('model')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  useEffect(() => void refreshEndpoints(), [])

  const add = async () => {
    if (url.trim() === '' || busy) return
    setBusy(true)
    const failure = await addEndpoint({ url, key, probabilities })
    setBusy(false)
    setError(failure)
    if (!failure) {
      setUrl('')
      setKey('')
      setProbabilities('model')
    }
  }

  return (
    <Panel
      title="Remote engines"
      testId="remote-panel"
      actions={
        choice && (
          <Badge tone="sky" testId="remote-in-use">
            Runs remotely
          </Badge>
        )
      }
    >
      <p className={`text-sm ${mutedText}`}>
        Run Chat and Completion on a model served elsewhere — llama-server, vLLM, SGLang, Ollama, LM
        Studio or another Tokenscope — through its OpenAI-compatible API. Chips show the
        log-probabilities the server reports, and “not reported” for the rest. Adding an address
        again updates what its log-probabilities are, and its key if you type one.
      </p>
      {choice && (
        <div
          data-testid="remote-choice"
          className="flex flex-col items-start gap-2 rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm dark:border-sky-900 dark:bg-sky-950/50"
        >
          <p className="min-w-0 [overflow-wrap:anywhere]">
            Chat and Completion use{' '}
            <span className="font-semibold">{remoteModelLabel(choice)}</span> at{' '}
            <span className="font-mono text-xs">{choice.url}</span>.
          </p>
          <button
            type="button"
            data-testid="use-local-engine"
            className={`${secondaryButton} h-7 text-xs`}
            onClick={chooseLocalEngine}
          >
            Use the local engine
          </button>
        </div>
      )}
      <form
        className="grid gap-2 @min-[560px]:grid-cols-[minmax(0,1fr)_minmax(0,8rem)_minmax(0,11rem)_auto] @min-[560px]:items-end"
        onSubmit={(event) => {
          event.preventDefault()
          void add()
        }}
      >
        <label className="flex flex-col gap-1 text-xs">
          <span className={mutedText}>Address</span>
          <input
            data-testid="remote-url"
            className={smallInput}
            placeholder="http://gpu-box:8080/v1"
            value={url}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => setUrl(event.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs">
          <span className={mutedText}>Key (if it needs one)</span>
          <input
            data-testid="remote-key"
            type="password"
            className={smallInput}
            value={key}
            autoComplete="off"
            onChange={(event) => setKey(event.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1 text-xs">
          <span className={mutedText}>Its log-probabilities are</span>
          <select
            data-testid="remote-probabilities"
            className={smallInput}
            value={probabilities}
            title="Raw: llama-server by default, vLLM’s default logprobs_mode. After sampling: llama-server with post_sampling_probs, vLLM with logprobs_mode=processed_logprobs."
            onChange={(event) => setProbabilities(event.target.value as ReportedProbability)}
          >
            <option value="model">raw model probabilities</option>
            <option value="sampling">after sampling</option>
          </select>
        </label>
        <button
          type="submit"
          data-testid="remote-add"
          disabled={busy || url.trim() === ''}
          className={`${primaryButton} h-8`}
        >
          {busy ? 'Adding…' : 'Add'}
        </button>
      </form>
      {error && <ErrorNote error={error} testId="remote-add-error" />}
      {endpoints && endpoints.length > 0 && (
        <ul className="space-y-2" data-testid="remote-endpoints">
          {endpoints.map((endpoint) => (
            <RemoteEndpointRow key={endpoint.id} endpoint={endpoint} />
          ))}
        </ul>
      )}
    </Panel>
  )
}
