import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import { startingStatus, type EngineStatus, type ModelInfo } from '../../src/shared/engine-status'
import {
  busyReason,
  canStartRun,
  engineReducer,
  initialEngineState,
  whyCannotStart,
  type EngineAction,
  type EngineViewState,
} from '../../src/renderer/src/stores/engine-reducer'

const model = { name: 'Demo', isDemo: true } as ModelInfo
const status = (change: Partial<EngineStatus> = {}): EngineStatus => ({
  ...startingStatus,
  state: 'ready',
  backend: 'cpu',
  model,
  ...change,
})
const reduce = (actions: EngineAction[], from: EngineViewState = initialEngineState) =>
  actions.reduce(engineReducer, from)
const ready = reduce([
  { type: 'link', link: 'open' },
  { type: 'status', status: status() },
])
const comparing = reduce([{ type: 'runsRouted', runIds: ['a', 'b', 'c'], owner: 'compare' }], ready)

describe('runs in flight on this page', () => {
  it('lets every view start while nothing runs', () => {
    expect(busyReason(ready, 'completion')).toBeNull()
    expect(canStartRun(ready, 'chat')).toBe(true)
    expect(whyCannotStart(ready, 'compare')).toBeNull()
  })

  it('makes the other views wait while a comparison runs, with the reason', () => {
    expect(canStartRun(comparing, 'completion')).toBe(false)
    expect(whyCannotStart(comparing, 'completion')).toBe(
      'A comparison is running — stop it or wait',
    )
    expect(busyReason(comparing, 'chat')).toBe('A comparison is running — stop it or wait')
    // Its own view handles its own runs (its Stop button); it is not "busy elsewhere".
    expect(busyReason(comparing, 'compare')).toBeNull()
  })

  it('names the view that runs', () => {
    const chatting = reduce([{ type: 'runsRouted', runIds: ['r'], owner: 'chat' }], ready)
    expect(busyReason(chatting, 'compare')).toBe('A chat reply is being written — stop it or wait')
    const completing = reduce([{ type: 'runsRouted', runIds: ['r'], owner: 'completion' }], ready)
    expect(busyReason(completing, 'chat')).toBe('A completion is running — stop it or wait')
  })

  it('frees the engine once every run of the batch has ended', () => {
    const oneLeft = reduce([{ type: 'runsUnrouted', runIds: ['a', 'b'] }], comparing)
    expect(canStartRun(oneLeft, 'completion')).toBe(false)
    const done = reduce([{ type: 'runsUnrouted', runIds: ['c'] }], oneLeft)
    expect(done.pageRuns).toEqual({})
    expect(canStartRun(done, 'completion')).toBe(true)
  })

  it('ignores unrouting runs it does not know (a refused call, a run already ended)', () => {
    expect(reduce([{ type: 'runsUnrouted', runIds: ['zzz'] }], comparing)).toBe(comparing)
    expect(reduce([{ type: 'runsRouted', runIds: [], owner: 'chat' }], ready)).toBe(ready)
  })

  it('forgets its runs when the engine crashes or gives up, and when the link drops', () => {
    const crashed = reduce(
      [{ type: 'status', status: status({ state: 'crashed', model: null }) }],
      comparing,
    )
    expect(crashed.pageRuns).toEqual({})
    const failed = reduce([{ type: 'status', status: status({ state: 'error' }) }], comparing)
    expect(failed.pageRuns).toEqual({})
    const dropped = reduce([{ type: 'link', link: 'closed' }], comparing)
    expect(dropped.pageRuns).toEqual({})
    // A status while running (e.g. a progress update) keeps them.
    expect(reduce([{ type: 'status', status: status() }], comparing).pageRuns).toEqual(
      comparing.pageRuns,
    )
  })

  it("waits for another window's run too, until it ends", () => {
    const tokens = { kind: 'tokens', runId: 'other', tokens: [] } as unknown as RunEvent
    const ended = { kind: 'ended', runId: 'other' } as unknown as RunEvent
    const busy = reduce([{ type: 'otherRunEvent', event: tokens }], ready)
    expect(whyCannotStart(busy, 'compare')).toBe(
      'The engine is busy with a run from another tab or window — stop it or wait',
    )
    expect(canStartRun(reduce([{ type: 'otherRunEvent', event: ended }], busy), 'compare')).toBe(
      true,
    )
  })

  it('asks to wait for the model before anything else', () => {
    const loading = reduce([{ type: 'status', status: status({ state: 'loading' }) }], comparing)
    expect(whyCannotStart(loading, 'chat')).toBe('Waiting for the model to load')
    const empty = reduce([{ type: 'status', status: status({ model: null }) }], comparing)
    expect(whyCannotStart(empty, 'chat')).toBe('No model is loaded: load one in Models')
  })
})
