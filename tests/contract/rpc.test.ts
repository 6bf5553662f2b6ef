import { describe, expect, it } from 'vitest'
import { createEngineBridge } from '../../src/shared/bridge'
import type { EngineService, RunEvent } from '../../src/shared/contract'
import { startingStatus, type EngineStatus } from '../../src/shared/engine-status'
import { AppFailure, toAppError } from '../../src/shared/errors'
import {
  createMemoryChannelPair,
  jsonCodec,
  serveEngine,
  type ChannelCodec,
  type MessageChannelLike,
} from '../../src/shared/rpc'

const status: EngineStatus = { ...startingStatus, state: 'ready', backend: 'cpu' }
const unused = async (): Promise<never> => {
  throw new Error('not used by these tests')
}

/** A contract implementation that records calls and streams three events per run. */
function scriptedEngine(push: () => ReturnType<typeof serveEngine>) {
  const calls: string[] = []
  const service: EngineService = {
    getStatus: async () => status,
    loadModel: async () => {
      throw new AppFailure({
        code: 'model-invalid',
        message: 'not a GGUF',
        hint: 'pick another file',
      })
    },
    tokenize: async (request) => [{ id: 1, text: request.text }],
    tokenizeWith: async () => [],
    generate: async (request) => {
      calls.push(request.runId)
      const events = push()
      void events.onRunEvent({
        kind: 'started',
        forced: [],
        parts: { system: 0, history: 0, droppedMessages: 0, template: null },
        runId: request.runId,
        prompt: [],
        contextSize: 8,
        sampling: request.sampling,
      })
      void events.onRunEvent({
        kind: 'ended',
        runId: request.runId,
        reason: 'max-tokens',
        contextUsed: 1,
        stats: {
          promptTokens: 1,
          reusedPromptTokens: 0,
          evaluatedTokens: 0,
          generatedTokens: 0,
          timeToFirstTokenMs: null,
          tokensPerSecond: null,
        },
      })
    },
    generateMany: async () => undefined,
    score: async () => undefined,
    influence: async () => undefined,
    unloadModel: unused,
    prepareChat: unused,
    inspectModel: unused,
    scanModels: unused,
    getHardware: unused,
    cancel: async () => undefined,
    embed: unused,
    readTokenEmbeddings: unused,
    exactEntropy: unused,
  }
  return { service, calls }
}

/** Fails if a JSON codec left anything but text on the wire. */
function asText(channel: MessageChannelLike, codec: ChannelCodec): MessageChannelLike {
  if (codec !== jsonCodec) return channel
  return {
    ...channel,
    post: (message) => {
      expect(typeof message).toBe('string')
      channel.post(message)
    },
  }
}

const transports: [string, ChannelCodec][] = [
  ['structured clone (process / Electron IPC)', {}],
  ['JSON text (WebSocket)', jsonCodec],
]

describe.each(transports)('engine contract over %s', (_name, codec) => {
  const connect = () => {
    const [engineEnd, uiEnd] = createMemoryChannelPair()
    let server: ReturnType<typeof serveEngine> | null = null
    const engine = scriptedEngine(() => {
      if (!server) throw new Error('not served')
      return server
    })
    server = serveEngine(asText(engineEnd, codec), engine.service, codec)
    const bridge = createEngineBridge(asText(uiEnd, codec), codec)
    return { bridge, engine }
  }

  it('round-trips calls and their results', async () => {
    const { bridge } = connect()
    expect(await bridge.getStatus()).toEqual(status)
    expect(await bridge.tokenize({ text: 'hi' })).toEqual([{ id: 1, text: 'hi' }])
  })

  it('delivers run events in order to every subscriber', async () => {
    const { bridge, engine } = connect()
    const seen: RunEvent['kind'][] = []
    const unsubscribe = bridge.subscribe({ onRunEvent: (event) => seen.push(event.kind) })
    await bridge.generate({
      runId: 'r1',
      prompt: 'x',
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 },
      maxTokens: 1,
      topN: 1,
    })
    await expect.poll(() => seen).toEqual(['started', 'ended'])
    expect(engine.calls).toEqual(['r1'])
    unsubscribe()
  })

  it('carries readable errors across', async () => {
    const { bridge } = connect()
    const error = await bridge.loadModel({ source: { kind: 'demo' } }).catch((e: unknown) => e)
    expect(toAppError(error)).toEqual({
      code: 'model-invalid',
      message: 'not a GGUF',
      hint: 'pick another file',
    })
  })
})
