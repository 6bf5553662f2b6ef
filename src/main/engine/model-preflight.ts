import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { readGgufFileInfo } from 'node-llama-cpp'
import { AppFailure } from '../../shared/errors'

export interface ModelFileFacts {
  name: string | null
  architecture: string
  sizeBytes: number
  vocabSize: number
}

const headerBytes = 24
// Each metadata entry or tensor description takes at least this many bytes of the file.
const minEntryBytes = 8 + 1 + 4
const readTimeoutMs = 10_000

/**
 * Checks a model file before llama.cpp touches it, so that the common mistakes (wrong path, not a
 * GGUF, a cut-off download, a header that claims more than the file holds) get a clear message
 * in milliseconds instead of a native abort.
 */
export async function preflightModelFile(path: string): Promise<ModelFileFacts> {
  const name = basename(path)
  const invalid = (
    message: string,
    hint = 'Download the model again, or pick another .gguf file.',
  ) => new AppFailure({ code: 'model-invalid', message: `${name}: ${message}`, hint })

  const info = await stat(path).catch(() => null)
  if (!info) {
    throw new AppFailure({
      code: 'model-not-found',
      message: `No file at ${path}.`,
      hint: 'Check the path; the file may have been moved or deleted.',
    })
  }
  if (!info.isFile()) throw invalid('this is a folder, not a model file.', 'Choose a .gguf file.')
  if (info.size < headerBytes)
    throw invalid(`the file is only ${info.size} bytes, too small to be a model.`)

  const header = Buffer.alloc(headerBytes)
  const handle = await open(path, 'r')
  try {
    await handle.read(header, 0, headerBytes, 0)
  } finally {
    await handle.close()
  }
  if (header.toString('latin1', 0, 4) !== 'GGUF') {
    throw invalid(
      'this is not a GGUF model file (it does not start with "GGUF").',
      'Tokenscope loads .gguf files, as used by llama.cpp.',
    )
  }
  const version = header.readUInt32LE(4)
  if (version < 2 || version > 3)
    throw invalid(`GGUF version ${version} is not supported (expected 2 or 3).`)
  const tensorCount = header.readBigUInt64LE(8)
  const kvCount = header.readBigUInt64LE(16)
  const maxEntries = BigInt(Math.floor(info.size / minEntryBytes))
  if (tensorCount > maxEntries || kvCount > maxEntries) {
    throw invalid(
      `the header claims ${tensorCount} tensors and ${kvCount} metadata entries, more than a ${info.size}-byte file can hold.`,
      'The file is corrupt or was not written by a GGUF tool.',
    )
  }

  const metadata = await readMetadata(path).catch((error: unknown) => {
    throw invalid(
      `its header could not be read (${error instanceof Error ? error.message : String(error)}).`,
    )
  })
  return {
    name: metadata.name,
    architecture: metadata.architecture,
    sizeBytes: info.size,
    vocabSize: metadata.vocabSize,
  }
}

async function readMetadata(path: string) {
  const abort = new AbortController()
  const timer = setTimeout(
    () => abort.abort(new Error('reading the header took too long')),
    readTimeoutMs,
  )
  try {
    const file = await readGgufFileInfo(path, {
      sourceType: 'filesystem',
      logWarnings: false,
      spliceSplitFiles: false,
      signal: abort.signal,
    })
    const general = file.metadata.general as { name?: string; architecture?: string } | undefined
    const tokenizer = file.metadata.tokenizer as
      { ggml?: { tokens?: readonly unknown[] } } | undefined
    if (!general?.architecture) throw new Error('it names no architecture')
    return {
      name: general.name ?? null,
      architecture: general.architecture,
      vocabSize: tokenizer?.ggml?.tokens?.length ?? 0,
    }
  } finally {
    clearTimeout(timer)
  }
}
