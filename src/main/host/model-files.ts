import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  downloadRequestSchema,
  type DownloadProgress,
  type ModelFilesService,
  type RecentModel,
} from '../../shared/downloads'
import { AppFailure, toAppError } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { download } from './downloader'
import { suggestedModels } from './suggested-models'

const maxRecent = 10

/** `hf:owner/repo/path/file.gguf` → the file's download address on Hugging Face. */
export function resolveModelUrl(input: string): URL {
  const hf = /^hf:([^/\s]+)\/([^/\s]+)\/(.+\.gguf)$/i.exec(input.trim())
  const text = hf ? `https://huggingface.co/${hf[1]}/${hf[2]}/resolve/main/${hf[3]}` : input.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new AppFailure({
      code: 'invalid-request',
      message: `"${input}" is not a web address or hf: URI.`,
      hint: 'Use https://…/model.gguf or hf:owner/repo/file.gguf.',
    })
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppFailure({
      code: 'invalid-request',
      message: `Only http and https downloads are supported.`,
    })
  }
  if (!url.pathname.toLowerCase().endsWith('.gguf')) {
    throw new AppFailure({
      code: 'invalid-request',
      message: 'The address does not name a .gguf file.',
      hint: 'Link to the model file itself, e.g. …/model-Q4_K_M.gguf.',
    })
  }
  return url
}

/** Model files on disk: downloads into the models folder, and the list of recently loaded models. */
export function createModelFiles(
  dataDirectory: string,
  onDownload: (progress: DownloadProgress) => void,
) {
  const folder = join(dataDirectory, 'models')
  const recentFile = join(dataDirectory, 'recent-models.json')
  const downloads = new Map<string, { progress: DownloadProgress; abort: AbortController }>()

  async function readRecent(): Promise<RecentModel[]> {
    const text = await readFile(recentFile, 'utf8').catch(() => '[]')
    try {
      const list = JSON.parse(text) as unknown
      return Array.isArray(list)
        ? (list as RecentModel[]).filter((r) => typeof r?.path === 'string')
        : []
    } catch {
      return []
    }
  }

  const service: ModelFilesService = {
    async startDownload(raw) {
      const parsed = downloadRequestSchema.safeParse(raw)
      if (!parsed.success) {
        throw new AppFailure({
          code: 'invalid-request',
          message: `Invalid download: ${describeIssues(parsed.error)}`,
        })
      }
      const url = resolveModelUrl(parsed.data.url)
      const fileName = decodeURIComponent(basename(url.pathname)).replace(/[^\w.+-]/g, '_')
      const path = join(folder, fileName)
      const running = [...downloads.values()].find(
        (d) => d.progress.path === path && d.progress.state === 'downloading',
      )
      if (running) return running.progress
      await mkdir(folder, { recursive: true })
      const progress: DownloadProgress = {
        id: randomBytes(8).toString('hex'),
        url: parsed.data.url,
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
      }
      const abort = new AbortController()
      downloads.set(progress.id, { progress, abort })
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
      void download({ url: url.toString(), path, signal: abort.signal, report }).then(
        () => report({ state: 'done', bytesPerSecond: null }),
        (error: unknown) => {
          if (abort.signal.aborted)
            report({ state: 'cancelled', bytesPerSecond: null, etaSeconds: null })
          else
            report({
              state: 'failed',
              error: toAppError(error),
              bytesPerSecond: null,
              etaSeconds: null,
            })
        },
      )
      return { ...progress }
    },
    async cancelDownload({ id }) {
      const entry = downloads.get(id)
      if (!entry || entry.progress.state !== 'downloading') return
      entry.abort.abort()
      // Let the writer close before the partial file goes.
      await new Promise((resolve) => setTimeout(resolve, 50))
      await rm(`${entry.progress.path}.part`, { force: true })
    },
    async listDownloads() {
      return [...downloads.values()].map((d) => ({ ...d.progress }))
    },
    async suggestedModels() {
      return suggestedModels
    },
    async modelsFolder() {
      await mkdir(folder, { recursive: true })
      return folder
    },
    recentModels: readRecent,
    async pickModelFile() {
      throw new AppFailure({
        code: 'invalid-request',
        message: 'A file dialog is available in the desktop app only.',
        hint: 'Type or paste the path of the .gguf file instead.',
      })
    },
  }

  /** Puts `path` first in the recent list. */
  async function recordLoaded(path: string): Promise<void> {
    const entry: RecentModel = {
      path,
      fileName: basename(path),
      loadedAt: new Date().toISOString(),
    }
    const list = [entry, ...(await readRecent()).filter((r) => r.path !== path)].slice(0, maxRecent)
    await mkdir(dataDirectory, { recursive: true })
    const temporary = `${recentFile}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(temporary, JSON.stringify(list, null, 2))
    await rename(temporary, recentFile)
  }

  return { service, recordLoaded }
}
