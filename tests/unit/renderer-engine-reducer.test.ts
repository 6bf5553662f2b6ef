import { describe, expect, it } from 'vitest'
import { startingStatus, type EngineStatus, type ModelInfo } from '../../src/shared/engine-status'
import {
  backendLabel,
  canGenerate,
  engineReducer,
  engineStateLabel,
  initialEngineState,
  linkNotice,
  shouldLoadDemo,
  type EngineAction,
  type EngineViewState,
} from '../../src/renderer/src/stores/engine-reducer'

const model: ModelInfo = {
  name: 'Demo',
  fileName: 'demo.gguf',
  path: '/models/demo.gguf',
  sizeBytes: 1,
  architecture: 'llama',
  vocabSize: 10,
  trainedContextSize: 512,
  contextSize: 512,
  isDemo: true,
  sha256: null,
}
const status = (change: Partial<EngineStatus>): EngineStatus => ({
  ...startingStatus,
  state: 'ready',
  backend: 'cpu',
  ...change,
})
const reduce = (actions: EngineAction[], from: EngineViewState = initialEngineState) =>
  actions.reduce(engineReducer, from)
const open: EngineAction = { type: 'link', link: 'open' }
const crashError = {
  code: 'engine-crashed' as const,
  message: 'The engine process stopped unexpectedly.',
}

describe('engine view state', () => {
  it('asks for the demo model once per engine when a ready engine has none', () => {
    const ready = reduce([open, { type: 'status', status: status({}) }])
    expect(shouldLoadDemo(ready)).toBe(true)
    const loading = reduce([{ type: 'demoLoadStarted', restarts: 0 }], ready)
    expect(shouldLoadDemo(loading)).toBe(false)
    const failed = reduce(
      [{ type: 'demoLoadFailed', error: { code: 'model-invalid', message: 'bad' } }],
      loading,
    )
    expect(shouldLoadDemo(failed)).toBe(false)
    expect(failed.banner?.message).toBe('bad')
    // A restarted engine gets its own try.
    expect(
      shouldLoadDemo(reduce([{ type: 'status', status: status({ restarts: 1 }) }], failed)),
    ).toBe(true)
  })

  it('leaves an engine empty after the user unloaded its model', () => {
    const open = reduce([{ type: 'link', link: 'open' }])
    const loaded = reduce([{ type: 'status', status: status({ model }) }], open)
    const unloaded = reduce([{ type: 'status', status: status({ model: null }) }], loaded)
    expect(shouldLoadDemo(unloaded)).toBe(false)
    // A restarted engine is a new one: it gets the demo again.
    const restarted = reduce(
      [{ type: 'status', status: status({ model: null, restarts: 1 }) }],
      unloaded,
    )
    expect(shouldLoadDemo(restarted)).toBe(true)
  })

  it('does not load while starting, loading, closed, or when a model is there', () => {
    expect(shouldLoadDemo(reduce([{ type: 'status', status: status({}) }]))).toBe(false)
    expect(
      shouldLoadDemo(reduce([open, { type: 'status', status: status({ state: 'starting' }) }])),
    ).toBe(false)
    expect(shouldLoadDemo(reduce([open, { type: 'status', status: status({ model }) }]))).toBe(
      false,
    )
  })

  it('shows the crash notice until the model is back, without an error banner', () => {
    const before = reduce([open, { type: 'status', status: status({ model }) }])
    expect(canGenerate(before)).toBe(true)
    const crashed = reduce(
      [{ type: 'status', status: status({ state: 'crashed', error: crashError, restarts: 1 }) }],
      before,
    )
    expect(crashed.crashNotice).toBe(true)
    expect(crashed.banner).toBeNull()
    expect(canGenerate(crashed)).toBe(false)
    expect(engineStateLabel(crashed)).toBe('Restarting')
    const empty = reduce(
      [{ type: 'status', status: status({ restarts: 1, error: crashError }) }],
      crashed,
    )
    expect(empty.crashNotice).toBe(true)
    const back = reduce([{ type: 'status', status: status({ model, restarts: 1 }) }], empty)
    expect(back.crashNotice).toBe(false)
    expect(canGenerate(back)).toBe(true)
  })

  it('names the synchronous work that keeps the engine from answering', () => {
    const ready = reduce([open, { type: 'status', status: status({ model }) }])
    const blocked = reduce(
      [{ type: 'status', status: status({ model, blockedBy: 'Matching the chat template' }) }],
      ready,
    )
    expect(engineStateLabel(blocked)).toBe('Matching the chat template…')
    expect(engineStateLabel(ready)).not.toMatch(/template/)
  })

  it('turns a crash during a run into the notice, and other errors into the banner', () => {
    expect(reduce([{ type: 'errorShown', error: crashError }]).crashNotice).toBe(true)
    const shown = reduce([
      { type: 'errorShown', error: { code: 'run-busy', message: 'busy', hint: 'wait' } },
    ])
    expect(shown.banner?.hint).toBe('wait')
    expect(reduce([{ type: 'errorDismissed' }], shown).banner).toBeNull()
  })

  it('shows a new status error once', () => {
    const error = { code: 'model-load-failed' as const, message: 'nope' }
    const first = reduce([open, { type: 'status', status: status({ error }) }])
    expect(first.banner).toEqual(error)
    const dismissed = reduce([{ type: 'errorDismissed' }], first)
    expect(reduce([{ type: 'status', status: status({ error }) }], dismissed).banner).toBeNull()
  })

  it('tells reconnecting apart from never reaching the host', () => {
    expect(linkNotice(initialEngineState)).toBeNull()
    const refused = reduce([
      { type: 'link', link: 'closed' },
      { type: 'link', link: 'connecting' },
      { type: 'link', link: 'closed' },
    ])
    expect(linkNotice(refused)).toBe('unreachable')
    const dropped = reduce([open, { type: 'link', link: 'closed' }])
    expect(linkNotice(dropped)).toBe('reconnecting')
    expect(linkNotice(reduce([open], dropped))).toBeNull()
  })

  it('tracks a run another window keeps going', () => {
    const busy = reduce([
      {
        type: 'otherRunEvent',
        event: {
          kind: 'started',
          forced: [],
          parts: { system: 0, history: 0, droppedMessages: 0, template: null },
          runId: 'x',
          prompt: [],
          contextSize: 1,
          sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 0 },
        },
      },
    ])
    expect(busy.otherRunId).toBe('x')
    const done = reduce(
      [{ type: 'otherRunEvent', event: { kind: 'failed', runId: 'x', error: crashError } }],
      busy,
    )
    expect(done.otherRunId).toBeNull()
  })

  it('names the backends', () => {
    expect(backendLabel('cuda')).toBe('CUDA')
    expect(backendLabel('metal')).toBe('Metal')
    expect(backendLabel('vulkan')).toBe('Vulkan')
    expect(backendLabel('cpu')).toBe('CPU')
    expect(backendLabel(null)).toBe('—')
  })
})
