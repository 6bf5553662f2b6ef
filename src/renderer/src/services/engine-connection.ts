import type { EngineBridge } from '../../../shared/bridge'
import { createEngineBridge } from '../../../shared/bridge'
import type { AppService } from '../../../shared/contract'
import { AppFailure, toAppError } from '../../../shared/errors'
import { appMethodNames } from '../../../shared/methods'
import { jsonCodec, type MessageChannelLike } from '../../../shared/rpc'

export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface EngineConnection {
  bridge: EngineBridge
  /** Calls `listener` with every change of the link to the host; returns an unsubscribe. */
  onStateChange(listener: (state: ConnectionState) => void): () => void
}

/** The desktop preload bridge when present, otherwise a WebSocket to the `serve` host. */
export function connectToEngine(): EngineConnection {
  if (window.tokenscope) {
    const bridge = fromContextBridge(window.tokenscope)
    return { bridge, onStateChange: (listener) => (listener('open'), () => undefined) }
  }
  return connectOverWebSocket()
}

/** The preload rejects with plain AppErrors (the context bridge strips Errors to their message). */
function fromContextBridge(exposed: EngineBridge): EngineBridge {
  const methods = Object.fromEntries(
    appMethodNames.map((name) => [
      name,
      (...args: unknown[]) =>
        (exposed[name] as (...a: unknown[]) => Promise<unknown>)(...args).catch(
          (error: unknown) => {
            throw new AppFailure(toAppError(error))
          },
        ),
    ]),
  ) as unknown as AppService
  return { ...methods, subscribe: exposed.subscribe }
}

function connectOverWebSocket(): EngineConnection {
  // The host takes the key out of the address at once; the page's cookie lets the socket in.
  const token = new URLSearchParams(window.location.search).get('token')
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/rpc${query}`
  const stateListeners = new Set<(state: ConnectionState) => void>()
  const messageListeners = new Set<(message: unknown) => void>()
  const closeListeners = new Set<() => void>()
  const outbox: string[] = []
  let socket: WebSocket
  let state: ConnectionState = 'connecting'
  let retryMs = 250

  const setState = (next: ConnectionState) => {
    state = next
    stateListeners.forEach((l) => l(next))
  }
  const open = () => {
    socket = new WebSocket(url)
    socket.onopen = () => {
      retryMs = 250
      setState('open')
      outbox.splice(0).forEach((m) => socket.send(m))
    }
    socket.onmessage = (event) => messageListeners.forEach((l) => l(event.data))
    socket.onclose = () => {
      // The host never answers what it was asked before the drop: those calls fail now (a
      // request still waiting in the outbox too, so it cannot run after its caller gave up).
      outbox.length = 0
      closeListeners.forEach((l) => l())
      setState('closed')
      // The host may be restarting; keep trying with a gentle back-off.
      setTimeout(open, retryMs)
      retryMs = Math.min(retryMs * 2, 4000)
    }
  }
  const channel: MessageChannelLike = {
    post: (message) => {
      const text = message as string
      if (state === 'open' && socket.readyState === WebSocket.OPEN) socket.send(text)
      else outbox.push(text)
    },
    on: (listener) => messageListeners.add(listener),
    off: (listener) => messageListeners.delete(listener),
    onClose: (listener) => closeListeners.add(listener),
  }
  const bridge = createEngineBridge(channel, jsonCodec)
  open()
  return {
    bridge,
    onStateChange(listener) {
      stateListeners.add(listener)
      listener(state)
      return () => stateListeners.delete(listener)
    },
  }
}
