import { toAppError, type AppError } from '../../../../shared/errors'
import type { AddRemoteEndpointRequest } from '../../../../shared/remote'
import { getConnection } from '../../services/engine-connection'
import { remoteEngineStore } from '../../stores/remote-engine'

const bridge = () => getConnection().bridge

/** Asks the host for the saved endpoints. */
export async function refreshEndpoints(): Promise<void> {
  try {
    const endpoints = await bridge().listRemoteEndpoints()
    remoteEngineStore.dispatch({ type: 'endpointsListed', endpoints })
  } catch {
    // The link is down; the next visit asks again.
  }
}

/** Saves an endpoint and lists its models at once; returns why it could not be saved. */
export async function addEndpoint(request: AddRemoteEndpointRequest): Promise<AppError | null> {
  try {
    const endpoint = await bridge().addRemoteEndpoint(request)
    remoteEngineStore.dispatch({ type: 'endpointAdded', endpoint })
    void listModels(endpoint.id)
    return null
  } catch (error) {
    return toAppError(error)
  }
}

export async function removeEndpoint(endpointId: string): Promise<AppError | null> {
  try {
    await bridge().removeRemoteEndpoint({ endpointId })
    remoteEngineStore.dispatch({ type: 'endpointRemoved', endpointId })
    return null
  } catch (error) {
    return toAppError(error)
  }
}

export async function listModels(endpointId: string): Promise<void> {
  remoteEngineStore.dispatch({ type: 'modelsRequested', endpointId })
  try {
    const { models } = await bridge().listRemoteModels({ endpointId })
    remoteEngineStore.dispatch({ type: 'modelsListed', endpointId, models })
  } catch (error) {
    remoteEngineStore.dispatch({ type: 'modelsFailed', endpointId, error: toAppError(error) })
  }
}

export function chooseRemoteModel(endpointId: string, url: string, model: string): void {
  remoteEngineStore.dispatch({ type: 'chosen', choice: { endpointId, url, model } })
}

export function chooseLocalEngine(): void {
  remoteEngineStore.dispatch({ type: 'localChosen' })
}
