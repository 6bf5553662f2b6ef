import { stat } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import { remembered } from './remembered'

// Runs in its own thread: hashing a model of gigabytes costs about a second of CPU per gigabyte,
// in 4 MB updates that would each block the engine's event loop for milliseconds while it streams
// tokens.
const workerSource = `
const { createHash } = require('node:crypto')
const { createReadStream } = require('node:fs')
const { parentPort, workerData } = require('node:worker_threads')
const hash = createHash('sha256')
createReadStream(workerData, { highWaterMark: 4 * 1024 * 1024 })
  .on('data', (chunk) => hash.update(chunk))
  .on('error', (error) => parentPort.postMessage({ error: String(error && error.message) }))
  .on('end', () => parentPort.postMessage({ sha256: hash.digest('hex') }))
`

const known = new Map<string, Promise<string>>()

/**
 * SHA-256 of a file, streamed on a worker thread so that a model of many gigabytes never sits in
 * memory nor blocks the caller's thread. Remembered by path, size and modification time, so that
 * loading the same model again does not read it again, and a second request while the first is
 * still reading (a load and a download's check, say) waits for the same reading. A failed read is
 * forgotten: the file may be readable later.
 */
export async function hashFile(
  path: string,
  /** Reads and hashes the file: a seam for tests that count the readings. */
  read: (path: string) => Promise<string> = hashOnWorker,
): Promise<string> {
  const { size, mtimeMs } = await stat(path)
  const key = `${path}\0${size}\0${mtimeMs}`
  return remembered(known, key, () => read(path))
}

/** Reads the whole file on a worker thread and gives its SHA-256 (nothing remembered). */
export function hashOnWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: path })
    // A pending hash must never keep a process alive that is otherwise done.
    worker.unref()
    worker.once('message', (result: { sha256?: string; error?: string }) => {
      void worker.terminate()
      if (result.sha256) resolve(result.sha256)
      else reject(new Error(result.error ?? `Could not read ${path}`))
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`Hashing ${path} stopped (exit ${code})`)))
  })
}
