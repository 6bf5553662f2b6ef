import { parentPort } from 'node:worker_threads'
import { decodeSessionText } from './session-codec'

// The host's session decoder thread: see `workerDecoder` in session-codec.ts.
parentPort?.on('message', ({ id, text }: { id: number; text: string }) => {
  parentPort?.postMessage({ id, result: decodeSessionText(text) })
})
