import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { DownloadProgress } from '../../shared/downloads'
import { download, sizeOf, type DownloadJob } from './downloader'
import { openDownload } from './download-request'

const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i
/** gguf-split numbers parts with five digits; no real model comes close to this many. */
const maxParts = 1000

/** Every part's address of a split model named by any one of its parts; `[url]` for one file. */
export function splitPartUrls(url: URL): URL[] {
  const match = splitPart.exec(url.pathname)
  const count = Number(match?.[2] ?? 0)
  const part = Number(match?.[1] ?? 0)
  if (!match || count < 2 || count > maxParts || part < 1 || part > count) return [url]
  const stem = url.pathname.slice(0, -match[0].length)
  return Array.from({ length: count }, (_, i) => {
    const partUrl = new URL(url)
    partUrl.pathname = `${stem}-${String(i + 1).padStart(5, '0')}-of-${match[2]}.gguf`
    return partUrl
  })
}

/** The name a download is saved under in the models folder. */
export function fileNameOf(url: URL): string {
  return decodeURIComponent(basename(url.pathname)).replace(/[^\w.+-]/g, '_')
}

export interface ModelJob extends Omit<DownloadJob, 'url' | 'path'> {
  /** The model's files: one, or every part of a split model in order. */
  parts: URL[]
  folder: string
}

/** Announced sizes of the parts still to fetch, so one row can show the whole model's progress. */
async function probeSizes(job: ModelJob, paths: string[]): Promise<number | null> {
  let total = 0
  for (const [i, url] of job.parts.entries()) {
    const path = paths[i] ?? ''
    if (existsSync(path)) {
      total += await sizeOf(path)
      continue
    }
    const size = await openDownload({ ...job, url, headers: {}, method: 'HEAD' }).then(
      (response) => {
        response.cancel()
        const length = response.header('content-length')
        return length !== null && /^\d+$/.test(length) ? Number(length) : null
      },
      () => null,
    )
    if (size === null) return null
    total += size
  }
  return total
}

/**
 * Downloads a model: one file, or each part of a split model with its own partial file and
 * resume. The first part comes last, so that the model appears in the folder's list only once
 * every part it needs is there.
 */
export async function downloadModel(job: ModelJob): Promise<void> {
  const paths = job.parts.map((url) => join(job.folder, fileNameOf(url)))
  const split = job.parts.length > 1
  const total = split ? await probeSizes(job, paths) : null
  const order = split ? [...job.parts.keys()].slice(1).concat(0) : [0]
  let finished = 0
  for (const index of order) {
    const path = paths[index] ?? ''
    const url = job.parts[index] as URL
    if (split && existsSync(path)) {
      finished += await sizeOf(path)
      continue
    }
    const before = finished
    await download({
      ...job,
      url,
      path,
      report: (change) => {
        if (!split) return job.report(change)
        const { sha256: _partHash, ...rest } = change
        const received =
          change.receivedBytes === undefined ? {} : { receivedBytes: before + change.receivedBytes }
        const resumed =
          change.resumedFromBytes === undefined
            ? {}
            : { resumedFromBytes: before + change.resumedFromBytes }
        const eta =
          change.bytesPerSecond && change.receivedBytes !== undefined && total !== null
            ? { etaSeconds: (total - before - change.receivedBytes) / change.bytesPerSecond }
            : {}
        const whole: Partial<DownloadProgress> = 'totalBytes' in change ? { totalBytes: total } : {}
        job.report({ ...rest, ...received, ...resumed, ...eta, ...whole })
      },
    })
    finished += await sizeOf(path)
  }
  if (split) job.report({ receivedBytes: finished, totalBytes: finished, etaSeconds: 0 })
}
