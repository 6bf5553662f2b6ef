import type { AppService, EngineEvents } from './contract'
import { appMethodNames } from './methods'
import { connectEngine, type ChannelCodec, type MessageChannelLike } from './rpc'

/** The Electron IPC channel that carries the contract between preload and main. */
export const electronRpcChannel = 'tokenscope:rpc'

/** What the UI holds: the host's methods plus a way to listen to the engine's events. */
export interface EngineBridge extends AppService {
  /** Adds listeners; returns a function that removes them. */
  subscribe(listeners: Partial<EngineEvents>): () => void
}

/** Builds the UI's bridge over any channel (Electron IPC in preload, a WebSocket in the browser). */
export function createEngineBridge(
  channel: MessageChannelLike,
  codec: ChannelCodec = {},
): EngineBridge & { close(error?: Error): void } {
  const listeners = new Set<Partial<EngineEvents>>()
  const client = connectEngine<AppService>(
    channel,
    {
      onRunEvent: (event) => listeners.forEach((l) => l.onRunEvent?.(event)),
      onStatus: (status) => listeners.forEach((l) => l.onStatus?.(status)),
      onDownload: (progress) => listeners.forEach((l) => l.onDownload?.(progress)),
    },
    codec,
  )
  const methods = Object.fromEntries(
    appMethodNames.map((name) => [
      name,
      (...args: unknown[]) => (client[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as unknown as AppService
  return {
    ...methods,
    subscribe(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    close(error) {
      client.$close(error)
    },
  }
}
