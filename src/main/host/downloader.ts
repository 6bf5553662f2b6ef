import { createWriteStream, type WriteStream } from 'node:fs'
import { rename, rm, stat, statfs, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { DownloadProgress } from '../../shared/downloads'
import { AppFailure } from '../../shared/errors'
import { readGgufFileInfo } from '../gguf/reader'
import { hashFile } from '../util/hash-file'
import { downloadFailure, formatSize, networkFailure } from './download-errors'
import { defaultMaxDownloadBytes, type Resolve } from './download-policy'
import { openDownload } from './download-request'
import { partialPathFor, readPartialMeta, type PartialMeta } from './partial-files'

export interface DownloadJob {
  /** What the user typed (an address or hf: shorthand), kept for Retry after a restart. */
  input: string
  url: URL
  viaHf: boolean
  /** Where the finished file goes. */
  path: string
  allowLocal: boolean
  signal: AbortSignal
  maxBytes?: number
  /** Fail when the server sends nothing for this long. */
  stallMs?: number
  resolve?: Resolve
  report(progress: Partial<DownloadProgress>): void
}

export const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  )
const reportEveryMs = 250
const speedWindowMs = 3000

/**
 * Downloads `job.url` into a partial file, resuming one an earlier attempt left (only if the
 * server confirms it is the same file), and renames it to `job.path` once every announced byte
 * has arrived and it reads as a GGUF model.
 */
export async function download(job: DownloadJob): Promise<void> {
  const partial = partialPathFor(job.path, job.url)
  const metaPath = `${partial}.json`
  const meta = await readPartialMeta(metaPath)
  const already = meta ? await sizeOf(partial) : 0
  const validator = meta?.etag && !meta.etag.startsWith('W/') ? meta.etag : meta?.lastModified
  const maxBytes = job.maxBytes ?? defaultMaxDownloadBytes
  const stall = new AbortController()
  const signal = AbortSignal.any([job.signal, stall.signal])
  let stallTimer: NodeJS.Timeout | undefined
  let ticker: NodeJS.Timeout | undefined
  const armStall = () => {
    clearTimeout(stallTimer)
    stallTimer = setTimeout(() => stall.abort(), job.stallMs ?? 60_000)
  }
  const host = job.url.hostname
  armStall()
  try {
    const response = await openDownload({
      url: job.url,
      viaHf: job.viaHf,
      allowLocal: job.allowLocal,
      signal,
      resolve: job.resolve,
      headers:
        already > 0
          ? { Range: `bytes=${already}-`, ...(validator ? { 'If-Range': validator } : {}) }
          : {},
    })
    if (response.status === 416) {
      // What is on disk is no prefix of the file any more: start over.
      response.cancel()
      await rm(partial, { force: true })
      if (already === 0) throw downloadFailure(`${host} refused to send the file.`)
      return await download(job)
    }
    const resumed = response.status === 206 ? already : 0
    const announced = response.header('content-length')
    let total = announced !== null && /^\d+$/.test(announced) ? resumed + Number(announced) : null
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.header('content-range') ?? '')
      const whole = range?.[3] === '*' ? null : Number(range?.[3])
      if (
        !range ||
        Number(range[1]) !== already ||
        (meta?.totalBytes && whole !== meta.totalBytes)
      ) {
        response.cancel()
        await rm(partial, { force: true })
        throw downloadFailure(
          `${host} sent a different part of the file than was asked for.`,
          'Press Retry to download it again from the start.',
        )
      }
      total = whole ?? total
    }
    // Disk space first: a server announcing more than any disk holds gets the plainer message.
    if (total !== null) {
      await ensureSpace(job.path, total - resumed).catch((error: unknown) => {
        response.cancel()
        throw error
      })
    }
    if (total !== null && total > maxBytes) {
      response.cancel()
      throw downloadFailure(
        `The file is ${formatSize(total)}, more than the ${formatSize(maxBytes)} allowed for one download.`,
        'Choose a smaller quantization of the model.',
      )
    }
    const sidecar: PartialMeta = {
      input: job.input,
      url: job.url.toString(),
      fileName: job.path.slice(dirname(job.path).length + 1),
      totalBytes: total,
      etag: response.header('etag'),
      lastModified: response.header('last-modified'),
      allowLocal: job.allowLocal,
    }
    await writeFile(metaPath, JSON.stringify(sidecar))

    let received = resumed
    job.report({ totalBytes: total, receivedBytes: received, resumedFromBytes: resumed })
    // Reported on a clock rather than per chunk, so a stalled transfer shows its speed falling.
    const samples: [time: number, bytes: number][] = [[Date.now(), received]]
    ticker = setInterval(() => {
      const now = Date.now()
      samples.push([now, received])
      while (samples.length > 2 && now - (samples[0]?.[0] ?? now) > speedWindowMs) samples.shift()
      const [since, bytes] = samples[0] ?? [now, received]
      const speed = ((received - bytes) * 1000) / Math.max(1, now - since)
      const eta = total !== null && speed >= 1 ? (total - received) / speed : null
      job.report({ receivedBytes: received, bytesPerSecond: speed, etaSeconds: eta })
    }, reportEveryMs)
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        armStall()
        received += chunk.length
        if (received > (total ?? maxBytes)) {
          done(
            total === null
              ? downloadFailure(
                  `The file is larger than the ${formatSize(maxBytes)} allowed for one download.`,
                  'Choose a smaller quantization of the model.',
                )
              : downloadFailure(`${host} sent more bytes than it announced.`, 'Press Retry.'),
          )
          return
        }
        done(null, chunk)
      },
    })
    const file = createWriteStream(partial, { flags: resumed > 0 ? 'a' : 'w' })
    try {
      await pipeline(response.body, meter, file)
    } catch (error) {
      // pipeline rejects as soon as the body fails, while the file may still be writing chunks
      // it took: a Retry that measured the partial file before then would resume from the wrong
      // byte and leave a corrupt model.
      await closedFile(file)
      // What is on disk, which a Retry continues from; chunks the file never took are not counted.
      received = await sizeOf(partial)
      job.report({ receivedBytes: received })
      if (job.signal.aborted) throw error
      if (stall.signal.aborted) {
        throw downloadFailure(
          `${host} stopped sending data.`,
          'Press Retry: the download continues from what is already on disk.',
        )
      }
      throw networkFailure(error, host, { received, total })
    }
    if (total !== null && received !== total) {
      throw networkFailure(new Error('short body'), host, { received, total })
    }
    await verifyGguf(partial, metaPath)
    await rename(partial, job.path)
    await rm(metaPath, { force: true })
    job.report({
      receivedBytes: received,
      totalBytes: received,
      etaSeconds: 0,
      sha256: await hashFile(job.path),
    })
  } catch (error) {
    if (job.signal.aborted) throw error
    if (error instanceof AppFailure) throw error
    throw networkFailure(error, host)
  } finally {
    clearTimeout(stallTimer)
    clearInterval(ticker)
  }
}

function closedFile(file: WriteStream): Promise<void> {
  if (file.closed) return Promise.resolve()
  return new Promise((resolve) => file.once('close', () => resolve()))
}

/** A complete download that is no GGUF (an HTML page, say) is deleted: resuming cannot fix it. */
async function verifyGguf(partial: string, metaPath: string): Promise<void> {
  try {
    await readGgufFileInfo(partial)
  } catch (error) {
    await rm(partial, { force: true })
    await rm(metaPath, { force: true })
    const reason = error instanceof Error ? error.message : String(error)
    throw downloadFailure(
      `The downloaded file is not a usable GGUF model (${reason}), so it was deleted.`,
      'Check that the address points at the .gguf file itself, not a page about it.',
    )
  }
}

async function ensureSpace(path: string, needed: number): Promise<void> {
  const fs = await statfs(dirname(path)).catch(() => null)
  if (!fs) return
  const free = fs.bavail * fs.bsize
  if (free < needed) {
    throw downloadFailure(
      `Not enough disk space: ${formatSize(needed)} still to download, ${formatSize(free)} free.`,
      'Free some space or choose a smaller model.',
    )
  }
}
