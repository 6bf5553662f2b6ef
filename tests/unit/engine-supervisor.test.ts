import { describe, expect, it, vi } from 'vitest'
import { type EngineService } from '../../src/shared/contract'
import { startingStatus, type EngineStatus } from '../../src/shared/engine-status'
import { createMemoryChannelPair, serveEngine } from '../../src/shared/rpc'
import { EngineSupervisor, type EngineProcess } from '../../src/main/host/engine-supervisor'

/** A fake engine process over an in-memory channel; `hang` makes it stop answering. */
function fakeEngines(behaviour: { hang?: boolean; dieAtOnce?: boolean }) {
  const launched: Array<{ killed: boolean }> = []
  const launch = (): EngineProcess => {
    const [hostSide, engineSide] = createMemoryChannelPair()
    const exitListeners: Array<(description: string) => void> = []
    const record = { killed: false }
    launched.push(record)
    const never = new Promise<never>(() => undefined)
    const service = {
      getStatus: async () => (behaviour.hang ? never : { ...startingStatus, state: 'ready' }),
    } as unknown as EngineService
    serveEngine(engineSide, service)
    const exit = (description: string) => {
      hostSide.close()
      exitListeners.forEach((listener) => listener(description))
    }
    if (behaviour.dieAtOnce) setTimeout(() => exit('exit code 134'), 5)
    return {
      channel: hostSide,
      onExit: (listener) => exitListeners.push(listener),
      kill: () => {
        record.killed = true
        setTimeout(() => exit('killed'), 1)
      },
    }
  }
  return { launch, launched }
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('the engine supervisor', () => {
  it('kills an engine that stops answering its heartbeat, restarts it and says why', async () => {
    const statuses: EngineStatus[] = []
    const engines = fakeEngines({ hang: true })
    const supervisor = new EngineSupervisor(
      engines.launch,
      {
        onStatus: (status) => statuses.push(status),
        onRunEvent: () => undefined,
        onDownload: () => undefined,
      },
      { heartbeatMs: 20, hangMs: 100 },
    )
    supervisor.start()
    await wait(400)
    supervisor.stop()
    expect(engines.launched[0]?.killed).toBe(true)
    expect(engines.launched.length).toBeGreaterThanOrEqual(2)
    const crashed = statuses.find((s) => s.state === 'crashed')
    expect(crashed?.error?.message).toMatch(/stopped answering for 0 s|stopped answering/)
  })

  it('gives up after repeated deaths with a plain error, and the next call starts it again', async () => {
    const statuses: EngineStatus[] = []
    const engines = fakeEngines({ dieAtOnce: true })
    const supervisor = new EngineSupervisor(
      engines.launch,
      {
        onStatus: (status) => statuses.push(status),
        onRunEvent: () => undefined,
        onDownload: () => undefined,
      },
      { heartbeatMs: 1_000, hangMs: 5_000 },
    )
    supervisor.start()
    await wait(300)
    const last = statuses.at(-1)
    expect(last?.state).toBe('error')
    expect(last?.error?.message).toMatch(/6 times within a minute .* not restarting it any more/)
    expect(last?.error?.hint).toMatch(/Restart the engine .* or load a model to start it again/)
    const launchedBefore = engines.launched.length
    expect(launchedBefore).toBe(6)
    await wait(100)
    expect(engines.launched.length).toBe(launchedBefore)
    // The user's next action starts a fresh engine.
    await supervisor.service.getHardware().catch(() => undefined)
    expect(engines.launched.length).toBe(launchedBefore + 1)
    supervisor.stop()
  })

  it('lets an observer follow its status: the current one at once, then every change, until it stops', async () => {
    const statuses: EngineStatus[] = []
    const supervisor = new EngineSupervisor(
      fakeEngines({ dieAtOnce: true }).launch,
      {
        onStatus: (status) => statuses.push(status),
        onRunEvent: () => undefined,
        onDownload: () => undefined,
      },
      { heartbeatMs: 1_000, hangMs: 5_000 },
    )
    const observed: EngineStatus[] = []
    const stop = supervisor.observeStatus((status) => observed.push(status))
    expect(observed).toEqual([startingStatus])
    supervisor.start()
    await vi.waitFor(() => expect(statuses.at(-1)?.state).toBe('error'))
    expect(observed.slice(1)).toEqual(statuses)

    stop()
    const seen = statuses.length
    // The next call starts a fresh engine, whose statuses the clients get and the observer not.
    await supervisor.service.getHardware().catch(() => undefined)
    await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(seen))
    expect(observed.length).toBe(seen + 1)
    supervisor.stop()
  })

  it('does not reload automatically a model that ended the engine while loading', async () => {
    const statuses: EngineStatus[] = []
    const loads: string[] = []
    const exits: Array<(description: string) => void> = []
    const launch = (): EngineProcess => {
      const [hostSide, engineSide] = createMemoryChannelPair()
      const listeners: Array<(description: string) => void> = []
      const service = {
        getStatus: async () => ({ ...startingStatus, state: 'ready' }),
        loadModel: async (request: { source: { path: string } }) => {
          loads.push(request.source.path)
          // The "crashing" model never finishes loading; the test ends the engine meanwhile.
          if (request.source.path === 'crashing.gguf') return new Promise(() => undefined)
          return { fileName: request.source.path }
        },
      } as unknown as EngineService
      serveEngine(engineSide, service)
      exits.push((description) => {
        listeners.forEach((listener) => listener(description))
        hostSide.close()
      })
      return { channel: hostSide, onExit: (l) => listeners.push(l), kill: () => undefined }
    }
    const supervisor = new EngineSupervisor(launch, {
      onStatus: (status) => statuses.push(status),
      onRunEvent: () => undefined,
      onDownload: () => undefined,
    })
    supervisor.start()
    const file = (path: string) => ({ source: { kind: 'file' as const, path } })
    await supervisor.service.loadModel(file('good.gguf'))
    const failed = supervisor.service.loadModel(file('crashing.gguf')).catch((e: Error) => e)
    await wait(20)
    exits.at(-1)?.('signal SIGABRT')
    expect(String(await failed)).toMatch(/stopped while loading crashing.gguf/)
    await wait(50)
    // The working model is reloaded, the crashing one is not.
    expect(loads).toEqual(['good.gguf', 'crashing.gguf', 'good.gguf'])
    expect(statuses.find((s) => s.state === 'crashed')?.error?.message).toMatch(
      /will not load that file again by itself/,
    )
    supervisor.stop()
  })

  it('restarts after giving up with the last model that loaded, not the demo model', async () => {
    const statuses: EngineStatus[] = []
    const loads: string[] = []
    const exits: Array<() => void> = []
    const launch = (): EngineProcess => {
      const [hostSide, engineSide] = createMemoryChannelPair()
      const listeners: Array<(description: string) => void> = []
      const service = {
        getStatus: async () => ({ ...startingStatus, state: 'ready' }),
        loadModel: async (request: { source: { kind: string; path?: string } }) => {
          loads.push(request.source.path ?? request.source.kind)
          return { fileName: request.source.path }
        },
      } as unknown as EngineService
      serveEngine(engineSide, service)
      exits.push(() => {
        listeners.forEach((listener) => listener('signal SIGSEGV'))
        hostSide.close()
      })
      return { channel: hostSide, onExit: (l) => listeners.push(l), kill: () => undefined }
    }
    const supervisor = new EngineSupervisor(launch, {
      onStatus: (status) => statuses.push(status),
      onRunEvent: () => undefined,
      onDownload: () => undefined,
    })
    supervisor.start()
    await supervisor.service.loadModel({ source: { kind: 'file', path: 'mine.gguf' } })
    // Six deaths in a minute (a model that crashes while generating, say): the host gives up.
    for (let death = 0; death < 6; death++) {
      exits.at(-1)?.()
      await wait(10)
    }
    expect(statuses.at(-1)?.state).toBe('error')
    const launched = exits.length
    loads.length = 0
    await supervisor.restart()
    expect(exits.length).toBe(launched + 1)
    expect(loads).toEqual(['mine.gguf'])
    supervisor.stop()
  })
})
