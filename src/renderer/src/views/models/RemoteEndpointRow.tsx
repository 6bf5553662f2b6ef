import { useState } from 'react'
import type { AppError } from '../../../../shared/errors'
import type { RemoteEndpoint } from '../../../../shared/remote'
import { useStore } from '../../hooks/useStore'
import { ghostButton, mutedText, secondaryButton } from '../../lib/ui'
import { remoteEngineStore } from '../../stores/remote-engine'
import { chooseRemoteModel, listModels, removeEndpoint } from './remote-actions'
import { ErrorNote } from './models-ui'

export interface RemoteEndpointRowProps {
  endpoint: RemoteEndpoint
}

/** One saved endpoint: its address, its key's last characters, and its models to pick from. */
export function RemoteEndpointRow({ endpoint }: RemoteEndpointRowProps) {
  const list = useStore(remoteEngineStore, (s) => s.models[endpoint.id] ?? null)
  const choice = useStore(remoteEngineStore, (s) => s.choice)
  const [removeError, setRemoveError] = useState<AppError | null>(null)
  return (
    <li
      data-testid="remote-endpoint"
      className="rounded-lg border border-slate-200 p-2.5 text-sm dark:border-slate-800"
    >
      <p className="font-mono text-xs break-all" data-testid="remote-endpoint-url">
        {endpoint.url}
      </p>
      <div className="mt-1.5 flex flex-wrap items-center gap-2">
        <span className={`text-xs ${mutedText}`} data-testid="remote-key-hint">
          {endpoint.keyHint ? `key …${endpoint.keyHint}` : 'no key'}
        </span>
        <span
          className={`mr-auto text-xs ${mutedText}`}
          data-testid="remote-probabilities-kind"
          data-kind={endpoint.probabilities}
          title={
            endpoint.probabilities === 'sampling'
              ? 'Its log-probabilities are taken after sampling: tokens show sampling probabilities, and model probabilities are not reported.'
              : 'Its log-probabilities are the model’s raw softmax: tokens show model probabilities.'
          }
        >
          ·{' '}
          {endpoint.probabilities === 'sampling'
            ? 'after-sampling probabilities'
            : 'raw model probabilities'}
        </span>
        <button
          type="button"
          data-testid="remote-list-models"
          className={`${secondaryButton} h-7 text-xs`}
          disabled={list?.state === 'loading'}
          onClick={() => void listModels(endpoint.id)}
        >
          {list?.state === 'loading' ? 'Asking…' : list ? 'Refresh' : 'List models'}
        </button>
        <button
          type="button"
          data-testid="remote-remove"
          className={`${ghostButton} text-xs`}
          aria-label={`Remove ${endpoint.url}`}
          onClick={() => void removeEndpoint(endpoint.id).then(setRemoveError)}
        >
          Remove
        </button>
      </div>
      {removeError && <ErrorNote compact error={removeError} />}
      {list?.state === 'failed' && (
        <div className="mt-2">
          <ErrorNote compact error={list.error} testId="remote-models-error" />
        </div>
      )}
      {list?.state === 'listed' &&
        (list.models.length === 0 ? (
          <p className={`mt-2 text-xs ${mutedText}`}>This server lists no models.</p>
        ) : (
          <ul className="mt-2 space-y-1" aria-label={`Models at ${endpoint.url}`}>
            {list.models.map((model) => {
              const inUse = choice?.endpointId === endpoint.id && choice.model === model.id
              return (
                <li
                  key={model.id}
                  data-testid="remote-model"
                  className="flex items-center gap-2 rounded-md bg-slate-50 px-2 py-1 dark:bg-slate-800/60"
                >
                  <span className="min-w-0 flex-1 truncate font-mono text-xs" title={model.id}>
                    {model.id}
                  </span>
                  {inUse ? (
                    <span className="text-xs font-medium text-sky-700 dark:text-sky-300">
                      In use
                    </span>
                  ) : (
                    <button
                      type="button"
                      data-testid="remote-use-model"
                      className={`${secondaryButton} h-7 text-xs`}
                      onClick={() => chooseRemoteModel(endpoint.id, endpoint.url, model.id)}
                    >
                      Use for Chat and Completion
                    </button>
                  )}
                </li>
              )
            })}
          </ul>
        ))}
    </li>
  )
}
