import { describe, expect, it } from 'vitest'
import { parseStoredChoice } from '../../src/renderer/src/hooks/useRemoteChoicePersistence'
import {
  initialRemoteEngineState,
  remoteEngineReducer,
  remoteHostLabel,
  remoteModelLabel,
  type RemoteEngineAction,
} from '../../src/renderer/src/stores/remote-engine'

const endpoint = (id: string) => ({
  id,
  url: `http://${id}:8080/v1`,
  keyHint: null,
  probabilities: 'model' as const,
})
const run = (...actions: RemoteEngineAction[]) =>
  actions.reduce(remoteEngineReducer, initialRemoteEngineState)

describe('the remote engine store', () => {
  it('lists, adds and removes endpoints; removing the chosen one goes back to local', () => {
    const state = run(
      { type: 'endpointsListed', endpoints: [endpoint('a')] },
      { type: 'endpointAdded', endpoint: endpoint('b') },
      { type: 'modelsListed', endpointId: 'b', models: [{ id: 'm', ownedBy: null }] },
      { type: 'chosen', choice: { endpointId: 'b', url: 'http://b:8080/v1', model: 'm' } },
    )
    expect(state.endpoints?.map((e) => e.id)).toEqual(['a', 'b'])
    expect(state.choice?.model).toBe('m')
    // The host answers an address added again with the endpoint it updated: listed once.
    const again = remoteEngineReducer(state, { type: 'endpointAdded', endpoint: endpoint('a') })
    expect(again.endpoints?.map((e) => e.id)).toEqual(['b', 'a'])
    const removed = remoteEngineReducer(state, { type: 'endpointRemoved', endpointId: 'b' })
    expect(removed.choice).toBeNull()
    expect(removed.models).toEqual({})
  })

  it('drops a choice whose endpoint another window removed', () => {
    const state = run(
      { type: 'chosen', choice: { endpointId: 'gone', url: 'http://gone/v1', model: 'm' } },
      { type: 'endpointsListed', endpoints: [endpoint('a')] },
    )
    expect(state.choice).toBeNull()
  })

  it('keeps a failed model list as its error, and a new request replaces it', () => {
    const error = { code: 'remote-unreachable' as const, message: 'Could not reach it.' }
    const failed = run({ type: 'modelsFailed', endpointId: 'a', error })
    expect(failed.models.a).toEqual({ state: 'failed', error })
    expect(
      remoteEngineReducer(failed, { type: 'modelsRequested', endpointId: 'a' }).models.a,
    ).toEqual({
      state: 'loading',
    })
  })

  it('reads a saved choice only when it is one', () => {
    const choice = { endpointId: 'a', model: 'm', url: 'http://a/v1' }
    expect(parseStoredChoice(JSON.stringify(choice))).toEqual(choice)
    for (const text of [null, '', 'nope', '{}', '{"endpointId":"a b","model":"m","url":"x"}'])
      expect(parseStoredChoice(text)).toBeNull()
  })

  it('names models and hosts briefly', () => {
    expect(remoteModelLabel({ endpointId: 'a', model: 'meta-llama/Llama-3.3-70B' })).toBe(
      'Llama-3.3-70B',
    )
    expect(remoteHostLabel('http://gpu-box:8080/v1')).toBe('gpu-box:8080')
  })
})
