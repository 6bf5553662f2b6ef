import { Worker } from 'node:worker_threads'
import { describeIssues } from '../../shared/schemas'
import { sessionDocumentSchema } from '../../shared/sessions'

/** A session's JSON text, checked: its id and the text to write, or why it was refused. */
export type DecodedSession = { ok: true; id: string; json: string } | { ok: false; message: string }

/** Parses and validates a session's JSON text; the text to write is the document as validated. */
export function decodeSessionText(text: string): DecodedSession {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, message: `Invalid session: not JSON (${reason}).` }
  }
  const parsed = sessionDocumentSchema.safeParse(input)
  if (!parsed.success)
    return { ok: false, message: `Invalid session: ${describeIssues(parsed.error)}` }
  return { ok: true, id: parsed.data.id, json: JSON.stringify(parsed.data) }
}

export type SessionDecoder = (text: string) => Promise<DecodedSession>

/** Decodes on the calling thread: fine for small documents and for tests run from source. */
export const decodeInline: SessionDecoder = (text) => Promise.resolve(decodeSessionText(text))

/** Texts at least this long are decoded on the worker; shorter ones are quicker done here. */
const workerMinChars = 256 * 1024

/**
 * Decodes long session texts on a worker thread (`session-codec-worker.ts`, built next to the
 * host): parsing, validating and re-serialising a long run is ~90 ms of work that would otherwise
 * hold the host's event loop (in the desktop app, Electron's main process). Results come back
 * in the order the texts were given. If the worker cannot start or dies, texts are decoded here.
 */
export function workerDecoder(workerFile: string): SessionDecoder & {
  /** How many texts the worker decoded (the rest were decoded here). */
  decodedOnWorker(): number
  close(): Promise<void>
} {
  let worker: Worker | null = null
  let onWorker = 0
  let broken = false
  let nextId = 0
  const waiting = new Map<number, (result: DecodedSession | null) => void>()
  const failAll = () => {
    for (const resolve of waiting.values()) resolve(null)
    waiting.clear()
  }
  const start = (): Worker | null => {
    if (worker || broken) return worker
    try {
      worker = new Worker(workerFile)
    } catch {
      broken = true
      return null
    }
    worker.unref()
    worker.on('message', ({ id, result }: { id: number; result: DecodedSession }) => {
      waiting.get(id)?.(result)
      waiting.delete(id)
    })
    worker.on('error', () => {
      broken = true
      failAll()
    })
    worker.on('exit', () => {
      worker = null
      failAll()
    })
    return worker
  }
  let chain: Promise<unknown> = Promise.resolve()
  const decode = (text: string): Promise<DecodedSession> => {
    const result = chain.then(async () => {
      const thread = text.length >= workerMinChars ? start() : null
      if (!thread) return decodeSessionText(text)
      const id = nextId++
      const answer = await new Promise<DecodedSession | null>((resolve) => {
        waiting.set(id, resolve)
        thread.postMessage({ id, text })
      })
      if (!answer) return decodeSessionText(text)
      onWorker++
      return answer
    })
    // One at a time: a later save is never decoded (and so never written) before an earlier one.
    chain = result.catch(() => undefined)
    return result
  }
  return Object.assign(decode, {
    decodedOnWorker: () => onWorker,
    async close() {
      await worker?.terminate()
    },
  })
}
