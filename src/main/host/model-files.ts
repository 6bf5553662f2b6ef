import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  usePathRequestSchema,
  type DownloadProgress,
  type ModelFilesService,
  type RecentModel,
} from '../../shared/downloads'
import { AppFailure } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import { createDownloadManager } from './download-manager'
import { createPathAccess } from './path-access'
import { suggestedModels } from './suggested-models'

const maxRecent = 10

/** Model files on disk: downloads into the models folder, and the list of recently loaded models. */
export function createModelFiles(
  dataDirectory: string,
  onDownload: (progress: DownloadProgress) => void,
  downloadLimits: { maxBytes?: number; stallMs?: number } = {},
) {
  const folder = join(dataDirectory, 'models')
  const recentFile = join(dataDirectory, 'recent-models.json')
  const access = createPathAccess(folder)

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
    ...createDownloadManager(folder, onDownload, downloadLimits),
    async suggestedModels() {
      return suggestedModels
    },
    async modelsFolder() {
      await mkdir(folder, { recursive: true })
      return folder
    },
    async recentModels() {
      const recent = await readRecent()
      access.listed(recent.map((r) => r.path))
      return recent
    },
    async usePath(raw) {
      const parsed = usePathRequestSchema.safeParse(raw)
      if (!parsed.success) {
        throw new AppFailure({
          code: 'invalid-request',
          message: `Invalid path: ${describeIssues(parsed.error)}`,
        })
      }
      access.allow(parsed.data.path, parsed.data.kind)
    },
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

  return { service, recordLoaded, access }
}
