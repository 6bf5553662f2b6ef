import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { basename } from 'node:path'
import {
  downloadRequestSchema,
  type DownloadProgress,
  type ModelFilesService,
} from '../../shared/downloads'
import { AppFailure, toAppError } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { downloadModel, splitPartUrls } from './download-parts'
import { parseModelAddress } from './download-policy'
import { LocalHostRefused } from './download-request'
import { filesOf, findLeftovers, rowOf, type NewRow, type RowFiles } from './download-rows'
import { resolveQuantFile } from './hf-resolve'

type DownloadMethods = Pick<
  ModelFilesService,
  'startDownload' | 'cancelDownload' | 'removeDownload' | 'listDownloads'
>

interface Entry extends Omit<RowFiles, 'path'> {
  progress: DownloadProgress
  abort: AbortController
  running: Promise<void> | null
}

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

  function newEntry(progress: NewRow, files: Omit<RowFiles, 'path'>): Entry {
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
  async function addLeftovers(): Promise<void> {
    const known = (partial: string) =>
      [...entries.values()].some((e) => e.partials.includes(partial))
    for (const { row, files } of await findLeftovers(folder, known)) newEntry(row, files)
  }

  /** A row for an address whose file could not be looked up without the user's say-so. */
  function unresolved(input: string, error: LocalHostRefused): DownloadProgress {
    const entry = newEntry(
      rowOf({
        url: input,
        fileName: input,
        path: '',
        parts: 1,
        state: 'failed',
        error: toAppError(error),
        localHost: error.host,
        allowLocalHost: false,
      }),
      { partials: [], pieces: [] },
    )
    onDownload({ ...entry.progress })
    return { ...entry.progress }
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
      let url: URL
      try {
        url =
          'url' in address
            ? address.url
            : await resolveQuantFile(address.quant, {
                allowLocal,
                signal: AbortSignal.timeout(limits.stallMs ?? 60_000),
              })
      } catch (error) {
        // A Hugging Face mirror (HF_ENDPOINT) on the local network: a row that asks first.
        if (!(error instanceof LocalHostRefused)) throw error
        return unresolved(input, error)
      }
      const parts = splitPartUrls(url)
      const files = filesOf(folder, parts)
      const { path } = files
      const fileName = basename(path)
      const same = [...entries.values()].filter(
        (e) => e.progress.path === path || (e.progress.path === '' && e.progress.url === input),
      )
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
        rowOf({
          url: input,
          fileName,
          path,
          parts: parts.length,
          state: 'downloading',
          allowLocalHost: allowLocal,
        }),
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
      foundLeftovers ??= addLeftovers()
      await foundLeftovers
      return [...entries.values()].map((e) => ({ ...e.progress }))
    },
  }
}
