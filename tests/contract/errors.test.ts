import { describe, expect, it } from 'vitest'
import { createEngineBridge } from '../../src/shared/bridge'
import type { EngineService } from '../../src/shared/contract'
import type { EngineStatus } from '../../src/shared/engine-status'
import { AppFailure, toAppError, type AppError } from '../../src/shared/errors'
import { EngineSupervisor } from '../../src/main/host/engine-supervisor'
import {
  connectEngine,
  createMemoryChannelPair,
  jsonCodec,
  serveEngine,
  type ChannelCodec,
  type MessageChannelLike,
} from '../../src/shared/rpc'

const invalid: AppError = { code: 'model-invalid', message: 'not a GGUF', hint: 'pick another' }
const never = () => new Promise<never>(() => undefined)
const status = { state: 'ready' } as EngineStatus

/** An engine whose calls fail in known ways, or never answer. */
const engine = {
  getStatus: async () => status,
  loadModel: async () => {
    throw new AppFailure(invalid)
  },
  unloadModel: async () => {
    throw new TypeError('a bug')
  },
  prepareChat: never,
  tokenize: never,
  tokenizeWith: never,
  generate: never,
  generateMany: never,
  score: never,
  influence: never,
  inspectModel: never,
  scanModels: never,
  getHardware: never,
  cancel: never,
  embed: never,
  readTokenEmbeddings: never,
  exactEntropy: never,
} satisfies EngineService

const transports: [string, ChannelCodec][] = [
  ['structured clone (process / Electron IPC, memory)', {}],
  ['JSON text (WebSocket)', jsonCodec],
]

describe.each(transports)('errors over %s', (_name, codec) => {
  const connect = () => {
    const [engineEnd, uiEnd] = createMemoryChannelPair()
    serveEngine(engineEnd, engine, codec)
    return { bridge: createEngineBridge(uiEnd, codec), engineEnd, uiEnd }
  }

  it('delivers an AppError with its code, message and hint', async () => {
    const error = await connect()
      .bridge.loadModel({ source: { kind: 'demo' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppFailure)
    expect((error as AppFailure).appError).toEqual(invalid)
    expect((error as AppFailure).message).toBe('not a GGUF')
  })

  it('delivers any other failure as an internal AppError with its message', async () => {
    const error = await connect()
      .bridge.unloadModel()
      .catch((e: unknown) => e)
    expect(toAppError(error)).toEqual({ code: 'internal', message: 'a bug' })
  })

  it('keeps an AppError whole through a relaying host', async () => {
    // engine --structured clone--> host --this transport--> UI, as in the app.
    const [engineEnd, hostEnd] = createMemoryChannelPair()
    serveEngine(engineEnd, engine)
    const toEngine = connectEngine(hostEnd, {
      onRunEvent: () => undefined,
      onStatus: () => undefined,
      onDownload: () => undefined,
    })
    const [hostUiEnd, uiEnd] = createMemoryChannelPair()
    serveEngine(hostUiEnd, { ...engine, loadModel: (r) => toEngine.loadModel(r) }, codec)
    const error = await createEngineBridge(uiEnd, codec)
      .loadModel({ source: { kind: 'demo' } })
      .catch((e: unknown) => e)
    expect(toAppError(error)).toEqual(invalid)
  })

  it('fails a pending call when the channel closes', async () => {
    const { bridge, uiEnd } = connect()
    const pending = bridge.tokenize({ text: 'hi' }).catch((e: unknown) => e)
    await Promise.resolve()
    uiEnd.close()
    const error = await pending
    expect(error).toBeInstanceOf(AppFailure)
    expect(toAppError(error).code).toBe('engine-unavailable')
  })
})

describe('a reconnecting channel', () => {
  it('fails the calls of the dropped link and still carries new ones', async () => {
    const [engineEnd, uiEnd] = createMemoryChannelPair()
    serveEngine(engineEnd, engine)
    const drops = new Set<() => void>()
    // Like the browser's WebSocket: reports each drop, then carries on over a new socket.
    const reconnecting: MessageChannelLike = { ...uiEnd, onClose: (l) => drops.add(l) }
    const bridge = createEngineBridge(reconnecting)
    const pending = bridge.tokenize({ text: 'hi' }).then(
      () => null,
      (e: unknown) => toAppError(e),
    )
    await Promise.resolve()
    drops.forEach((drop) => drop())
    expect((await pending)?.code).toBe('engine-unavailable')
    expect(await bridge.getStatus()).toEqual(status)
  })
})

describe('the host supervising the engine', () => {
  it('fails a call in flight when the engine process dies', async () => {
    const [engineEnd, hostEnd] = createMemoryChannelPair()
    serveEngine(engineEnd, engine)
    const exits: ((description: string) => void)[] = []
    let launched = 0
    const supervisor = new EngineSupervisor(
      () => {
        launched++
        return { channel: hostEnd, onExit: (l) => exits.push(l), kill: () => undefined }
      },
      { onRunEvent: () => undefined, onStatus: () => undefined, onDownload: () => undefined },
    )
    supervisor.start()
    const pending = supervisor.service.tokenize({ text: 'hi' }).catch((e: unknown) => e)
    await Promise.resolve()
    exits[0]?.('signal SIGKILL')
    expect(toAppError(await pending).code).toBe('engine-crashed')
    expect(launched).toBe(2)
    supervisor.stop()
  })
})

describe('toAppError', () => {
  it('reads a plain AppError, as the preload hands it across the context bridge', () => {
    expect(toAppError({ ...invalid })).toEqual(invalid)
    expect(toAppError({ code: 'ENOENT', message: 'no file' })).toEqual({
      code: 'internal',
      message: '[object Object]',
    })
  })
})
