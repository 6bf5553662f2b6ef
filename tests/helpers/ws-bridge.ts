import { WebSocket } from 'ws'
import { createEngineBridge } from '../../src/shared/bridge'
import { jsonCodec } from '../../src/shared/rpc'
import type { ServeProcess } from './serve-process'

/** A Node client of the serve host speaking the same contract as the browser UI. */
export async function connectBridge(serve: ServeProcess) {
  const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/rpc?token=${serve.token}`)
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  const bridge = createEngineBridge(
    {
      post: (message) => socket.send(message as string),
      on: (listener) => socket.on('message', (data: Buffer) => listener(data.toString())),
      onClose: (listener) => socket.on('close', listener),
    },
    jsonCodec,
  )
  return Object.assign(bridge, { disconnect: () => socket.close() })
}
