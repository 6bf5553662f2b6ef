import { useEffect } from 'react'
import type { RemoteChoice } from '../../../../shared/remote'
import { useStore } from '../../hooks/useStore'
import { mutedText } from '../../lib/ui'
import { remoteEngineStore, remoteHostLabel, remoteModelLabel } from '../../stores/remote-engine'
import { listModels } from '../models/remote-actions'
import { compareStore } from './compare-actions'
import type { CompareColumn } from './compare-state'

const localValue = 'local'
/** Endpoint ids hold no colon, so the first one after the prefix ends the id. */
const optionValue = (choice: RemoteChoice) => `remote:${choice.endpointId}:${choice.model}`

function parseValue(value: string): RemoteChoice | null {
  const match = /^remote:([^:]+):(.+)$/s.exec(value)
  return match ? { endpointId: match[1]!, model: match[2]! } : null
}

/**
 * Asks each saved endpoint for its models once, so that the columns can offer them; columns
 * whose endpoint was removed go back to the local engine.
 */
export function useRemoteModelsForCompare(): void {
  const endpoints = useStore(remoteEngineStore, (s) => s.endpoints)
  useEffect(() => {
    if (!endpoints) return
    const { models } = remoteEngineStore.getState()
    for (const endpoint of endpoints) if (!models[endpoint.id]) void listModels(endpoint.id)
    const ids = new Set(endpoints.map((e) => e.id))
    const gone = compareStore
      .getState()
      .columns.flatMap((c) =>
        c.engine && !ids.has(c.engine.endpointId) ? [c.engine.endpointId] : [],
      )
    if (gone.length > 0) compareStore.dispatch({ type: 'endpointsGone', endpointIds: gone })
  }, [endpoints])
}

export interface ColumnEngineProps {
  column: CompareColumn
  index: number
  selectClass: string
}

/** The engine a column runs on: the local model, or a model of a saved endpoint. */
export function ColumnEngine({ column, index, selectClass }: ColumnEngineProps) {
  const endpoints = useStore(remoteEngineStore, (s) => s.endpoints) ?? []
  const lists = useStore(remoteEngineStore, (s) => s.models)
  const current = column.engine
  const groups = endpoints.map((endpoint) => {
    const list = lists[endpoint.id]
    const models = list?.state === 'listed' ? list.models.map((m) => m.id) : []
    // A saved column's model stays offered while the list loads (or if the server dropped it).
    if (current?.endpointId === endpoint.id && !models.includes(current.model))
      models.unshift(current.model)
    return { endpoint, models, failed: list?.state === 'failed' }
  })
  return (
    <label className="flex items-center gap-2 py-1 text-sm font-medium">
      <span className="mr-auto">Engine</span>
      {endpoints.length === 0 ? (
        <span
          className={`text-xs font-normal ${mutedText}`}
          data-testid={`compare-engine-${index}`}
        >
          Local model · add a remote engine in Models
        </span>
      ) : (
        <select
          data-testid={`compare-engine-${index}`}
          className={`${selectClass} max-w-[14rem]`}
          value={current ? optionValue(current) : localValue}
          onChange={(event) =>
            compareStore.dispatch({
              type: 'engineChosen',
              key: column.key,
              engine: parseValue(event.target.value),
            })
          }
        >
          <option value={localValue}>Local model</option>
          {groups.map(({ endpoint, models, failed }) => (
            <optgroup
              key={endpoint.id}
              label={`${remoteHostLabel(endpoint.url)}${failed ? ' (models not listed)' : ''}`}
            >
              {models.map((model) => {
                const choice = { endpointId: endpoint.id, model }
                return (
                  <option
                    key={model}
                    value={optionValue(choice)}
                    title={`${model} at ${endpoint.url}`}
                  >
                    {remoteModelLabel(choice)}
                  </option>
                )
              })}
            </optgroup>
          ))}
        </select>
      )}
    </label>
  )
}

/**
 * Under a column's header while the comparison mixes engines: which one this column runs on, so
 * that columns side by side say where their tokens come from.
 */
export function ColumnEngineLine({ engine }: { engine: RemoteChoice | undefined }) {
  const url = useStore(
    remoteEngineStore,
    (s) => s.endpoints?.find((e) => e.id === engine?.endpointId)?.url ?? null,
  )
  return (
    <p
      data-testid="column-engine"
      data-engine={engine ? 'remote' : 'local'}
      className="flex min-w-0 items-center gap-1.5 border-b border-slate-100 px-4 py-1 text-xs dark:border-slate-800"
      title={
        engine
          ? `This column's tokens come from ${engine.model}${url ? ` at ${url}` : ''}`
          : 'This column runs on the model loaded in this app, in one batch with the other local columns'
      }
    >
      <span
        className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] font-medium ${
          engine
            ? 'bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-100'
            : 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-200'
        }`}
      >
        {engine ? 'Remote' : 'Local'}
      </span>
      {engine ? (
        <span className="min-w-0 truncate">
          <span className="font-mono">{remoteModelLabel(engine)}</span>
          {url && <span className={mutedText}> · {remoteHostLabel(url)}</span>}
        </span>
      ) : (
        <span className={`truncate ${mutedText}`}>the model loaded here</span>
      )}
    </p>
  )
}
