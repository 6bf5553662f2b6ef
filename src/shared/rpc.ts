import { createBirpc, type BirpcReturn } from 'birpc'
import type { EngineEvents, EngineService } from './contract'
import { engineEventNames } from './methods'

/** Anything that moves messages both ways: process IPC, Electron IPC, a WebSocket, memory. */
export interface MessageChannelLike {
  post(message: unknown): void
  on(listener: (message: unknown) => void): void
  off?(listener: (message: unknown) => void): void
}

/** For text transports (WebSocket): JSON that keeps an Error's message across the wire. */
export const jsonCodec = {
  serialize: (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { __rpcError: true, name: v.name, message: v.message } : v,
    ),
  // A reviver would visit every value of every token batch; errors only ever sit in a
  // response's `e` field, so only that is restored.
  deserialize: (text: unknown): unknown => {
    const message = JSON.parse(String(text)) as {
      e?: { __rpcError?: true; name: string; message: string }
    }
    const error = message?.e
    if (error?.__rpcError) message.e = Object.assign(new Error(error.message), { name: error.name })
    return message
  },
}

export interface ChannelCodec {
  serialize?: (value: unknown) => unknown
  deserialize?: (value: unknown) => unknown
}

function channelOptions(channel: MessageChannelLike, codec: ChannelCodec) {
  return {
    post: (data: unknown) => channel.post(data),
    on: (fn: (data: unknown) => void) => channel.on(fn),
    off: (fn: (data: unknown) => void) => channel.off?.(fn),
    // Structured-clone channels (process and Electron IPC) carry Errors as they are.
    serialize: codec.serialize,
    deserialize: codec.deserialize,
    // Loading a large model can take minutes; a dead peer is detected by the host instead.
    timeout: -1,
  }
}

export type EngineServer<S extends EngineService = EngineService> = BirpcReturn<EngineEvents, S>
export type EngineClient<S extends EngineService = EngineService> = BirpcReturn<S, EngineEvents>

/** Exposes `service` on `channel`; the returned object pushes events to the other side. */
export function serveEngine<S extends EngineService>(
  channel: MessageChannelLike,
  service: S,
  codec: ChannelCodec = {},
): EngineServer<S> {
  return createBirpc<EngineEvents, S>(service, {
    ...channelOptions(channel, codec),
    eventNames: [...engineEventNames],
  })
}

/** Calls an engine (or a host that serves more, `S`) on `channel`; `events` receives its pushes. */
export function connectEngine<S extends EngineService = EngineService>(
  channel: MessageChannelLike,
  events: EngineEvents,
  codec: ChannelCodec = {},
): EngineClient<S> {
  return createBirpc<S, EngineEvents>(events, channelOptions(channel, codec))
}

/** Two connected in-memory ends, for tests and in-process wiring. */
export function createMemoryChannelPair(): [MessageChannelLike, MessageChannelLike] {
  const listeners: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()]
  const end = (mine: 0 | 1): MessageChannelLike => ({
    post: (message) => {
      const copy = structuredClone(message)
      queueMicrotask(() => listeners[mine === 0 ? 1 : 0].forEach((fn) => fn(copy)))
    },
    on: (fn) => listeners[mine].add(fn),
    off: (fn) => listeners[mine].delete(fn),
  })
  return [end(0), end(1)]
}
