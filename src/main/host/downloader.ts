import { createWriteStream } from 'node:fs'
import { rename, rm, stat, statfs } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { DownloadProgress } from '../../shared/downloads'
import { AppFailure } from '../../shared/errors'
import { hashFile } from '../util/hash-file'

export interface DownloadJob {
  url: string
  /** Where the finished file goes; the partial file is this plus `.part`. */
  path: string
  signal: AbortSignal
  report(progress: Partial<DownloadProgress>): void
}

const reportEveryMs = 250

/**
 * Downloads `url` to `path`, resuming from a `.part` file an earlier attempt left. The finished
 * file appears under its real name only once every announced byte has arrived, so a partial
 * download is never mistaken for a model.
 */
export async function download(job: DownloadJob): Promise<void> {
  const partial = `${job.path}.part`
  const already = await stat(partial).then(
    (s) => s.size,
    () => 0,
  )
  const response = await fetch(job.url, {
    headers: already > 0 ? { Range: `bytes=${already}-` } : {},
    signal: job.signal,
    redirect: 'follow',
  }).catch((error: unknown) => {
    throw networkFailure(error)
  })
  if (response.status === 404) {
    throw new AppFailure({
      code: 'download-failed',
      message: `The server has no file at ${job.url} (404).`,
      hint: 'Check the address; for hf: addresses, the owner, repository and file name.',
    })
  }
  if (response.status === 416 && already > 0) {
    // The partial file is complete or longer than the file: start over.
    await rm(partial, { force: true })
    return download(job)
  }
  if (!response.ok || !response.body) {
    throw new AppFailure({
      code: 'download-failed',
      message: `The server answered ${response.status} ${response.statusText} for ${job.url}.`,
      hint: 'Try again later, or check the address.',
    })
  }
  const resumed = response.status === 206 ? already : 0
  if (resumed === 0 && already > 0) await rm(partial, { force: true })
  const announced = Number(response.headers.get('content-length') ?? NaN)
  const total = Number.isFinite(announced) ? resumed + announced : null
  if (total !== null) {
    await ensureSpace(job.path, total - resumed).catch(async (error: unknown) => {
      await response.body?.cancel().catch(() => undefined)
      throw error
    })
  }

  let received = resumed
  let lastReport = 0
  let lastBytes = resumed
  let speed: number | null = null
  job.report({ totalBytes: total, receivedBytes: received, resumedFromBytes: resumed })
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length
      const now = Date.now()
      if (now - lastReport >= reportEveryMs) {
        const instant = ((received - lastBytes) * 1000) / Math.max(1, now - lastReport)
        speed = speed === null || lastReport === 0 ? instant : speed * 0.7 + instant * 0.3
        lastReport = now
        lastBytes = received
        const eta = total !== null && speed > 0 ? (total - received) / speed : null
        job.report({ receivedBytes: received, bytesPerSecond: speed, etaSeconds: eta })
      }
      done(null, chunk)
    },
  })
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(partial, { flags: resumed > 0 ? 'a' : 'w' }),
    )
  } catch (error) {
    if (job.signal.aborted) throw error
    throw networkFailure(error, received, total)
  }
  if (total !== null && received !== total) {
    throw new AppFailure({
      code: 'download-failed',
      message: `The server announced ${total} bytes but sent ${received}.`,
      hint: 'Start the download again; if it keeps happening the server is misbehaving.',
    })
  }
  await rename(partial, job.path)
  job.report({
    receivedBytes: received,
    totalBytes: received,
    etaSeconds: 0,
    sha256: await hashFile(job.path),
  })
}

async function ensureSpace(path: string, needed: number): Promise<void> {
  const folder = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')))
  const fs = await statfs(folder).catch(() => null)
  if (!fs) return
  const free = fs.bavail * fs.bsize
  if (free < needed) {
    const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`
    throw new AppFailure({
      code: 'download-failed',
      message: `Not enough disk space: ${gib(needed)} still to download, ${gib(free)} free.`,
      hint: 'Free some space or choose a smaller model.',
    })
  }
}

function networkFailure(error: unknown, received?: number, total?: number | null): AppFailure {
  const reason =
    error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error)
  const where =
    received !== undefined ? ` after ${received}${total ? ` of ${total}` : ''} bytes` : ''
  return new AppFailure({
    code: 'download-failed',
    message: `The connection failed${where}: ${reason}.`,
    hint: 'Start the download again: it resumes where it stopped.',
  })
}
