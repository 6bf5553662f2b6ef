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
import { downloadModel, fileNameOf, splitPartUrls } from './download-parts'
import { parseModelAddress } from './download-policy'
import { LocalHostRefused } from './download-request'
import { partialPathFor, partialSuffix, readPartialMeta } from './partial-files'
import { resolveQuantFile } from './hf-resolve'

type DownloadMethods = Pick<
  ModelFilesService,
  'startDownload' | 'cancelDownload' | 'removeDownload' | 'listDownloads'
>

interface Entry {
  progress: DownloadProgress
  /** The partial file of each part. */
  partials: string[]
  /** A split model's other parts, deleted with its partial files when it is removed unfinished. */
  pieces: string[]
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

  /** Each part's file and partial file, the first part being the model's. */
  function filesOf(parts: URL[]) {
    const paths = parts.map((url) => join(folder, fileNameOf(url)))
    return {
      path: paths[0] ?? '',
      partials: parts.map((url, i) => partialPathFor(paths[i] ?? '', url)),
      pieces: paths.slice(1),
    }
  }

  function newEntry(
    progress: Omit<DownloadProgress, 'id'>,
    files: { partials: string[]; pieces: string[] },
  ): Entry {
    const entry: Entry = {
      progress: { id: randomBytes(8).toString('hex'), ...progress },
      ...files,
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
      if ([...entries.values()].some((e) => e.partials.includes(partial))) continue
      const meta = await readPartialMeta(join(folder, name))
      const size = await stat(partial).then(
        (s) => s.size,
        () => null,
      )
      if (!meta || size === null || !URL.canParse(meta.url)) continue
      // One row per model: every part of a split model left a partial file of its own.
      const parts = splitPartUrls(new URL(meta.url))
      const files = filesOf(parts)
      newEntry(
        {
          url: meta.input,
          fileName: basename(files.path),
          path: files.path,
          parts: parts.length,
          state: 'cancelled',
          receivedBytes: size,
          totalBytes: parts.length > 1 ? null : meta.totalBytes,
          resumedFromBytes: 0,
          bytesPerSecond: null,
          etaSeconds: null,
          error: null,
          sha256: null,
          localHost: null,
          allowLocalHost: meta.allowLocal,
        },
        files,
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
      const address = parseModelAddress(input)
      const allowLocal = parsed.data.allowLocalHost === true
      const viaHf = /^hf:/i.test(input)
      const url =
        'url' in address
          ? address.url
          : await resolveQuantFile(address.quant, {
              allowLocal,
              signal: AbortSignal.timeout(limits.stallMs ?? 60_000),
            })
      const parts = splitPartUrls(url)
      const files = filesOf(parts)
      const { path } = files
      const fileName = basename(path)
      const same = [...entries.values()].filter((e) => e.progress.path === path)
      const running = same.find((e) => e.progress.state === 'downloading')
      if (running) return { ...running.progress }
      // A new attempt replaces the rows of earlier ones.
      for (const e of same) {
        if (e.progress.state === 'done') continue
        entries.delete(e.progress.id)
        onDownload({ ...e.progress, removed: true })
      }
      await mkdir(folder, { recursive: true })
      const entry = newEntry(
        {
          url: input,
          fileName,
          path,
          parts: parts.length,
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
        files,
      )
      const { progress, abort } = entry
      const report = (change: Partial<DownloadProgress>) => {
        Object.assign(progress, change)
        onDownload({ ...progress })
      }
      // Every open tab shows the new row at once, not only the one that asked.
      report({})
      if ([path, ...files.pieces].every((file) => existsSync(file))) {
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
      entry.running = downloadModel({
        input,
        parts,
        folder,
        viaHf,
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
      onDownload({ ...entry.progress, removed: true })
      if (entry.progress.state !== 'done') {
        // Parts of a split model that is complete on disk (an "already there" row) stay.
        const pieces = existsSync(entry.progress.path) ? [] : entry.pieces
        for (const file of [...entry.partials, ...pieces]) {
          await rm(file, { force: true })
          await rm(`${file}.json`, { force: true })
        }
      }
    },
    async listDownloads() {
      foundLeftovers ??= findLeftovers()
      await foundLeftovers
      return [...entries.values()].map((e) => ({ ...e.progress }))
    },
  }
}
