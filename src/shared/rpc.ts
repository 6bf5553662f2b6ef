import { createBirpc, type BirpcReturn } from 'birpc'
import type { EngineEvents, EngineService } from './contract'
import { AppFailure, connectionLost, toAppError } from './errors'
import { engineEventNames } from './methods'

/** Anything that moves messages both ways: process IPC, Electron IPC, a WebSocket, memory. */
export interface MessageChannelLike {
  post(message: unknown): void
  on(listener: (message: unknown) => void): void
  off?(listener: (message: unknown) => void): void
  /** Tells when the other side is gone: calls still waiting for their answer then fail. */
  onClose?(listener: () => void): void
}

/** For text transports (WebSocket). Errors are plain data by then (see `channelOptions`). */
export const jsonCodec = {
  serialize: (value: unknown): string => JSON.stringify(value),
  deserialize: (text: unknown): unknown => JSON.parse(String(text)),
}

export interface ChannelCodec {
  serialize?: (value: unknown) => unknown
  deserialize?: (value: unknown) => unknown
}

/** birpc's answer to a call; a failed call carries its error in `e`. */
interface RpcResponse {
  t: 's'
  e?: unknown
}
const isFailedResponse = (message: unknown): message is RpcResponse =>
  typeof message === 'object' &&
  message !== null &&
  (message as RpcResponse).t === 's' &&
  (message as RpcResponse).e !== undefined

function channelOptions(channel: MessageChannelLike, codec: ChannelCodec) {
  const encode = codec.serialize ?? ((value: unknown) => value)
  const decode = codec.deserialize ?? ((value: unknown) => value)
  return {
    post: (data: unknown) => channel.post(data),
    on: (fn: (data: unknown) => void) => channel.on(fn),
    off: (fn: (data: unknown) => void) => channel.off?.(fn),
    // An error travels as its AppError, a plain value that JSON and structured clone both keep
    // whole (a cloned Error keeps only its message), and arrives as an AppFailure again.
    serialize: (message: unknown) =>
      encode(isFailedResponse(message) ? { ...message, e: toAppError(message.e) } : message),
    deserialize: (data: unknown) => {
      const message = decode(data)
      if (!isFailedResponse(message)) return message
      return { ...message, e: new AppFailure(toAppError(message.e)) }
    },
    // Loading a large model can take minutes, so calls have no time limit; instead they fail
    // when the channel reports that it closed (see `rejectWhenClosed`).
    timeout: -1,
  }
}

/** Fails the calls still waiting for an answer when the channel closes; later calls still go out. */
function rejectWhenClosed<
  T extends { $rejectPendingCalls: BirpcReturn<object>['$rejectPendingCalls'] },
>(channel: MessageChannelLike, rpc: T): T {
  channel.onClose?.(() => {
    rpc.$rejectPendingCalls(({ reject }) => reject(new AppFailure(connectionLost)))
  })
  return rpc
}

export type EngineServer<S extends EngineService = EngineService> = BirpcReturn<EngineEvents, S>
export type EngineClient<S extends EngineService = EngineService> = BirpcReturn<S, EngineEvents>

/** Exposes `service` on `channel`; the returned object pushes events to the other side. */
export function serveEngine<S extends EngineService>(
  channel: MessageChannelLike,
  service: S,
  codec: ChannelCodec = {},
): EngineServer<S> {
  const rpc = createBirpc<EngineEvents, S>(service, {
    ...channelOptions(channel, codec),
    eventNames: [...engineEventNames],
  })
  return rejectWhenClosed(channel, rpc)
}

/** Calls an engine (or a host that serves more, `S`) on `channel`; `events` receives its pushes. */
export function connectEngine<S extends EngineService = EngineService>(
  channel: MessageChannelLike,
  events: EngineEvents,
  codec: ChannelCodec = {},
): EngineClient<S> {
  return rejectWhenClosed(
    channel,
    createBirpc<S, EngineEvents>(events, channelOptions(channel, codec)),
  )
}

export interface MemoryChannel extends MessageChannelLike {
  /** Ends the link for both sides, as a dropped socket or a dead process would. */
  close(): void
}

/** Two connected in-memory ends, for tests and in-process wiring. */
export function createMemoryChannelPair(): [MemoryChannel, MemoryChannel] {
  type Listeners = Set<(m: unknown) => void>
  const listeners: [Listeners, Listeners] = [new Set(), new Set()]
  const closeListeners = new Set<() => void>()
  let open = true
  const close = () => {
    if (!open) return
    open = false
    closeListeners.forEach((fn) => fn())
  }
  const end = (mine: 0 | 1): MemoryChannel => ({
    post: (message) => {
      if (!open) return
      const copy = structuredClone(message)
      queueMicrotask(() => {
        if (open) listeners[mine === 0 ? 1 : 0].forEach((fn) => fn(copy))
      })
    },
    on: (fn) => listeners[mine].add(fn),
    off: (fn) => listeners[mine].delete(fn),
    onClose: (fn) => closeListeners.add(fn),
    close,
  })
  return [end(0), end(1)]
}
