import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  downloadRequestSchema,
  type DownloadProgress,
  type ModelFilesService,
} from '../../shared/downloads'
import { AppFailure, toAppError } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { resolveModelUrl } from './download-policy'
import { LocalHostRefused } from './download-request'
import { download, partialPathFor, partialSuffix, readPartialMeta } from './downloader'

type DownloadMethods = Pick<
  ModelFilesService,
  'startDownload' | 'cancelDownload' | 'removeDownload' | 'listDownloads'
>

interface Entry {
  progress: DownloadProgress
  partial: string
  abort: AbortController
  running: Promise<void> | null
}

const metaSuffix = `${partialSuffix}.json`

function idOf(raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id
  if (typeof id !== 'string') {
    throw new AppFailure({ code: 'invalid-request', message: 'Invalid download: id is missing.' })
  }
  return id
}

/** Downloads into the models folder: start, cancel (keeping the partial file), remove, list. */
export function createDownloadManager(
  folder: string,
  onDownload: (progress: DownloadProgress) => void,
  limits: { maxBytes?: number; stallMs?: number } = {},
): DownloadMethods {
  const entries = new Map<string, Entry>()
  let foundLeftovers: Promise<void> | null = null

  function newEntry(progress: Omit<DownloadProgress, 'id'>, partial: string): Entry {
    const entry: Entry = {
      progress: { id: randomBytes(8).toString('hex'), ...progress },
      partial,
      abort: new AbortController(),
      running: null,
    }
    entries.set(entry.progress.id, entry)
    return entry
  }

  /** Partial files an earlier run of the app left, listed as stopped so that they can resume. */
  async function findLeftovers(): Promise<void> {
    const names = await readdir(folder).catch(() => [] as string[])
    for (const name of names.filter((n) => n.endsWith(metaSuffix))) {
      const partial = join(folder, name.slice(0, -'.json'.length))
      if ([...entries.values()].some((e) => e.partial === partial)) continue
      const meta = await readPartialMeta(join(folder, name))
      const size = await stat(partial).then(
        (s) => s.size,
        () => null,
      )
      if (!meta || size === null) continue
      newEntry(
        {
          url: meta.input,
          fileName: basename(meta.fileName),
          path: join(folder, basename(meta.fileName)),
          state: 'cancelled',
          receivedBytes: size,
          totalBytes: meta.totalBytes,
          resumedFromBytes: 0,
          bytesPerSecond: null,
          etaSeconds: null,
          error: null,
          sha256: null,
          localHost: null,
          allowLocalHost: meta.allowLocal,
        },
        partial,
      )
    }
  }

  return {
    async startDownload(raw) {
      const parsed = downloadRequestSchema.safeParse(raw)
      if (!parsed.success) {
        throw new AppFailure({
          code: 'invalid-request',
          message: `Invalid download: ${describeIssues(parsed.error)}`,
        })
      }
      const input = parsed.data.url.trim()
      const url = resolveModelUrl(input)
      const allowLocal = parsed.data.allowLocalHost === true
      const fileName = decodeURIComponent(basename(url.pathname)).replace(/[^\w.+-]/g, '_')
      const path = join(folder, fileName)
      const partial = partialPathFor(path, url)
      const same = [...entries.values()].filter((e) => e.progress.path === path)
      const running = same.find((e) => e.progress.state === 'downloading')
      if (running) return { ...running.progress }
      // A new attempt replaces the rows of earlier ones.
      for (const e of same) if (e.progress.state !== 'done') entries.delete(e.progress.id)
      await mkdir(folder, { recursive: true })
      const entry = newEntry(
        {
          url: input,
          fileName,
          path,
          state: 'downloading',
          receivedBytes: 0,
          totalBytes: null,
          resumedFromBytes: 0,
          bytesPerSecond: null,
          etaSeconds: null,
          error: null,
          sha256: null,
          localHost: null,
          allowLocalHost: allowLocal,
        },
        partial,
      )
      const { progress, abort } = entry
      const report = (change: Partial<DownloadProgress>) => {
        Object.assign(progress, change)
        onDownload({ ...progress })
      }
      if (existsSync(path)) {
        report({
          state: 'failed',
          error: {
            code: 'download-failed',
            message: `${fileName} is already in the models folder.`,
            hint: 'Load it from the list.',
          },
        })
        return { ...progress }
      }
      entry.running = download({
        input,
        url,
        viaHf: /^hf:/i.test(input),
        path,
        allowLocal,
        signal: abort.signal,
        report,
        ...limits,
      }).then(
        () => report({ state: 'done', bytesPerSecond: null }),
        (error: unknown) => {
          const stopped = { bytesPerSecond: null, etaSeconds: null }
          if (abort.signal.aborted) report({ state: 'cancelled', ...stopped })
          else
            report({
              state: 'failed',
              error: toAppError(error),
              localHost: error instanceof LocalHostRefused ? error.host : null,
              ...stopped,
            })
        },
      )
      return { ...progress }
    },
    async cancelDownload(raw) {
      const entry = entries.get(idOf(raw))
      if (!entry || entry.progress.state !== 'downloading') return
      entry.abort.abort()
      await entry.running
    },
    async removeDownload(raw) {
      const entry = entries.get(idOf(raw))
      if (!entry) return
      entry.abort.abort()
      await entry.running
      entries.delete(entry.progress.id)
      if (entry.progress.state !== 'done') {
        await rm(entry.partial, { force: true })
        await rm(`${entry.partial}.json`, { force: true })
      }
    },
    async listDownloads() {
      foundLeftovers ??= findLeftovers()
      await foundLeftovers
      return [...entries.values()].map((e) => ({ ...e.progress }))
    },
  }
}
