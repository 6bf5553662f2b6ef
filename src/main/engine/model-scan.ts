import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppFailure, toAppError } from '../../shared/errors'
import type { ModelCard, ScannedModel } from '../../shared/models'
import { modelCardFromHeader, splitPartCount } from './model-card'
import { preflightModelFile } from './model-preflight'

const splitName = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i

/** The paths of every part of a split model (just `path` for an ordinary file). */
export function partPaths(path: string): string[] {
  const match = splitName.exec(path)
  if (!match) return [path]
  const [, stem, , total] = match
  return Array.from(
    { length: Number(total) },
    (_, i) => `${stem}-${String(i + 1).padStart(5, '0')}-of-${total}.gguf`,
  )
}

/** Reads a model's card; for split files from the first part, with the size of all parts. */
export async function readModelCard(path: string): Promise<ModelCard> {
  const facts = await preflightModelFile(path)
  const parts = partPaths(path)
  const sizes = await Promise.all(
    parts.map((part) =>
      stat(part).then(
        (s) => s.size,
        () => null,
      ),
    ),
  )
  const missing = parts.filter((_, i) => sizes[i] === null)
  if (missing.length > 0) {
    throw new AppFailure({
      code: 'model-invalid',
      message: `${missing.length} of the ${parts.length} parts of this split model are missing.`,
      hint: 'Put all "-of-" files in the same folder.',
    })
  }
  return modelCardFromHeader(
    path,
    facts,
    sizes.reduce<number>((a, b) => a + (b ?? 0), 0),
  )
}

/**
 * Lists the models of a folder. Partial downloads are skipped, split files appear once (as their
 * first part), and a file that cannot be read is listed with its error instead of failing the scan.
 */
export async function scanFolder(folder: string): Promise<ScannedModel[]> {
  const names = await readdir(folder).catch(() => {
    throw new AppFailure({
      code: 'model-not-found',
      message: `The folder ${folder} cannot be read.`,
      hint: 'Check that it exists and that you may open it.',
    })
  })
  const models = names
    .filter((name) => name.toLowerCase().endsWith('.gguf'))
    .filter((name) => {
      const match = splitName.exec(name)
      return !match || Number(match[2]) === 1
    })
    .sort((a, b) => a.localeCompare(b))
  return mapLimited(models, scanConcurrency, async (name): Promise<ScannedModel> => {
    const path = join(folder, name)
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    )
    try {
      const card = await readModelCard(path)
      return {
        path,
        fileName: name,
        sizeBytes: card.sizeBytes,
        parts: card.parts,
        card,
        error: null,
      }
    } catch (error) {
      return {
        path,
        fileName: name,
        sizeBytes: size,
        parts: splitPartCount(name),
        card: null,
        error: toAppError(error),
      }
    }
  })
}

/** Headers read at once by a scan: each may hold up to the header limit in memory. */
const scanConcurrency = 2

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
