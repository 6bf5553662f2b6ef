import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

/** What an interrupted download leaves beside its partial file, so it can resume safely. */
export interface PartialMeta {
  input: string
  url: string
  fileName: string
  totalBytes: number | null
  etag: string | null
  lastModified: string | null
  allowLocal: boolean
}

export const partialSuffix = '.part'

/**
 * The partial file of `url` downloading to `path`: one per source address, so two downloads
 * that end in the same file name never write into each other's bytes.
 */
export function partialPathFor(path: string, url: URL): string {
  const id = createHash('sha256').update(url.toString()).digest('hex').slice(0, 12)
  return `${path}.${id}${partialSuffix}`
}

export async function readPartialMeta(metaPath: string): Promise<PartialMeta | null> {
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as PartialMeta
    return typeof meta?.url === 'string' && typeof meta.input === 'string' ? meta : null
  } catch {
    return null
  }
}
