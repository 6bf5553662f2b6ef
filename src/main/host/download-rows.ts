import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { DownloadProgress } from '../../shared/downloads'
import { fileNameOf, splitPartUrls } from './download-parts'
import { partialPathFor, partialSuffix, readPartialMeta } from './partial-files'

/** The files of one download row: the partial file of each part, and a split model's parts. */
export interface RowFiles {
  /** The model's file (a split model's first part). */
  path: string
  partials: string[]
  /** A split model's other parts, deleted with its partial files when it is removed unfinished. */
  pieces: string[]
}

export type NewRow = Omit<DownloadProgress, 'id'>

/** A row before any progress; `fields` says what differs. */
export function rowOf(
  fields: Pick<NewRow, 'url' | 'fileName' | 'path' | 'parts' | 'state' | 'allowLocalHost'> &
    Partial<NewRow>,
): NewRow {
  return {
    receivedBytes: 0,
    totalBytes: null,
    resumedFromBytes: 0,
    bytesPerSecond: null,
    etaSeconds: null,
    error: null,
    sha256: null,
    localHost: null,
    ...fields,
  }
}

/** Each part's file and partial file in `folder`, the first part being the model's. */
export function filesOf(folder: string, parts: URL[]): RowFiles {
  const paths = parts.map((url) => join(folder, fileNameOf(url)))
  return {
    path: paths[0] ?? '',
    partials: parts.map((url, i) => partialPathFor(paths[i] ?? '', url)),
    pieces: paths.slice(1),
  }
}

const metaSuffix = `${partialSuffix}.json`

/**
 * Partial files an earlier run of the app left in `folder`, as stopped rows that can resume:
 * one row per model, though every part of a split model left a partial file of its own.
 */
export async function findLeftovers(
  folder: string,
  known: (partial: string) => boolean,
): Promise<{ row: NewRow; files: RowFiles }[]> {
  const found: { row: NewRow; files: RowFiles }[] = []
  const names = await readdir(folder).catch(() => [] as string[])
  for (const name of names.filter((n) => n.endsWith(metaSuffix))) {
    const partial = join(folder, name.slice(0, -'.json'.length))
    if (known(partial) || found.some((f) => f.files.partials.includes(partial))) continue
    const meta = await readPartialMeta(join(folder, name))
    const size = await stat(partial).then(
      (s) => s.size,
      () => null,
    )
    if (!meta || size === null || !URL.canParse(meta.url)) continue
    const parts = splitPartUrls(new URL(meta.url))
    const files = filesOf(folder, parts)
    const row = rowOf({
      url: meta.input,
      fileName: basename(files.path),
      path: files.path,
      parts: parts.length,
      state: 'cancelled',
      receivedBytes: size,
      totalBytes: parts.length > 1 ? null : meta.totalBytes,
      allowLocalHost: meta.allowLocal,
    })
    found.push({ row, files })
  }
  return found
}
