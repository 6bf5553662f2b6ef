import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppFailure } from '../../shared/errors'
import { GgufFormatError, shown } from '../gguf/format'
import { readGgufFileInfo, type GgufFile } from '../gguf/reader'

export interface ModelFileFacts {
  name: string | null
  architecture: string
  sizeBytes: number
  vocabSize: number
  /** The parsed header, for the model card. */
  header: GgufFile
}

/**
 * Checks a model file before llama.cpp touches it, so that the common mistakes (wrong path, not a
 * GGUF, a cut-off download, a header that claims more than the file holds) get a clear message
 * in milliseconds instead of a native abort. The reader bounds every count by the file's size.
 */
export async function preflightModelFile(path: string): Promise<ModelFileFacts> {
  const name = basename(path)
  const invalid = (
    message: string,
    hint = 'Download the model again, or pick another .gguf file.',
  ) => new AppFailure({ code: 'model-invalid', message: `${name}: ${message}`, hint })

  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw unreadable(path, error)
  })
  if (!info) {
    throw new AppFailure({
      code: 'model-not-found',
      message: `No file at ${path}.`,
      hint: 'Check the path; the file may have been moved or deleted.',
    })
  }
  if (info.isDirectory())
    throw invalid('this is a folder, not a model file.', 'Choose a .gguf file.')
  // A FIFO or device would block the read or never end; only regular files are models.
  if (!info.isFile()) throw invalid('this is not a regular file.', 'Choose a .gguf file.')
  if (path.endsWith('.part')) {
    throw invalid(
      'this is an unfinished download.',
      'Finish the download first; it resumes where it stopped.',
    )
  }

  let file: GgufFile
  try {
    file = await readGgufFileInfo(path)
  } catch (error) {
    if (error instanceof GgufFormatError) throw invalid(`${lowerFirst(error.message)}.`)
    if (isErrno(error)) throw unreadable(path, error)
    throw error
  }
  const architecture = stringValue(file, 'general.architecture')
  if (!architecture) throw invalid('the file names no architecture (general.architecture).')
  const problem = shapeProblem(file, architecture)
  if (problem) throw invalid(`${problem}.`, 'llama.cpp would stop on this file; pick another one.')
  const tokens = file.metadata.get('tokenizer.ggml.tokens')
  const modelName = stringValue(file, 'general.name')
  return {
    // Strings from the file are shown, never trusted: a 95 MB name must not reach the UI.
    name: modelName === null ? null : shown(modelName, maxShownChars),
    architecture: shown(architecture, maxShownChars),
    sizeBytes: info.size,
    vocabSize: tokens?.type === 'array' ? tokens.value.length : 0,
    header: file,
  }
}

/** Display limit for strings read from a model file (names, architecture, tokenizer). */
export const maxShownChars = 200
/** llama.cpp's LLAMA_MAX_LAYERS; real models have at most a few hundred blocks. */
const maxBlocks = 512

/**
 * What llama.cpp would abort on (an assert or a division by zero ends the engine) or refuse
 * later with a less clear message: checked from the header, before llama.cpp sees the file.
 */
export function shapeProblem(file: GgufFile, arch: string): string | null {
  const scalar = (key: string): number | null => {
    const value = file.metadata.get(`${arch}.${key}`)
    if (!value || value.type === 'array' || value.type === 'string' || value.type === 'bool')
      return null
    return Number(value.value)
  }
  const blocks = scalar('block_count')
  if (blocks !== null && (blocks < 1 || blocks > maxBlocks))
    return `block_count is ${blocks}; llama.cpp supports 1 to ${maxBlocks} layers`
  const heads = scalar('attention.head_count')
  const embedding = scalar('embedding_length')
  const keyLength = scalar('attention.key_length')
  // Recurrent architectures (Mamba, RWKV) have no attention heads; every other one needs them.
  const attentionFree = /mamba|rwkv/i.test(arch)
  if (!attentionFree && embedding !== null && (heads === null || heads === 0))
    return heads === null
      ? 'the file gives no attention.head_count'
      : 'attention.head_count is 0; a transformer needs at least one head'
  if (heads !== null && embedding !== null) {
    if (heads > 0 && keyLength === null && embedding % heads !== 0)
      return `embedding_length ${embedding} is not divisible by attention.head_count ${heads}`
  }
  const kvHeads = scalar('attention.head_count_kv')
  if (heads !== null && heads > 0 && kvHeads !== null && kvHeads > 0 && heads % kvHeads !== 0)
    return `attention.head_count ${heads} is not a multiple of attention.head_count_kv ${kvHeads}`
  // llama.cpp asserts that every token of the vocabulary is distinct, reading each as a C string
  // (up to its first NUL byte).
  const tokens = file.metadata.get('tokenizer.ggml.tokens')
  if (tokens?.type === 'array' && tokens.itemType === 'string') {
    const seen = new Set<string>()
    for (const [id, whole] of tokens.value.entries()) {
      const nul = whole.indexOf('\0')
      const token = nul < 0 ? whole : whole.slice(0, nul)
      if (seen.has(token))
        return `tokenizer.ggml.tokens lists "${shown(token, 40)}" twice (again as token ${id})`
      seen.add(token)
    }
  }
  const contextLength = scalar('context_length')
  if (contextLength !== null && contextLength < 1) return `context_length is ${contextLength}`
  return null
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string'
}

/** A path that exists but cannot be read: said plainly, not as a raw EACCES or ELOOP. */
function unreadable(path: string, error: NodeJS.ErrnoException): AppFailure {
  const why: Record<string, string> = {
    EACCES: 'you do not have permission to read it',
    EPERM: 'you do not have permission to read it',
    ELOOP: 'it is a symbolic link that loops back on itself',
    ENAMETOOLONG: 'the path is too long',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    EIO: 'the disk reported a read error',
  }
  return new AppFailure({
    code: 'model-invalid',
    message: `${basename(path)} cannot be read: ${why[error.code ?? ''] ?? `the system said ${error.code}`}.`,
    hint: 'Check the file and its permissions, or pick another .gguf file.',
  })
}

function stringValue(file: GgufFile, key: string): string | null {
  const value = file.metadata.get(key)
  return value?.type === 'string' ? value.value : null
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
