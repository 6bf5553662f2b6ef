import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { AppFailure } from '../../shared/errors'
import { GgufFormatError } from '../gguf/format'
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

  const info = await stat(path).catch(() => null)
  if (!info) {
    throw new AppFailure({
      code: 'model-not-found',
      message: `No file at ${path}.`,
      hint: 'Check the path; the file may have been moved or deleted.',
    })
  }
  if (!info.isFile()) throw invalid('this is a folder, not a model file.', 'Choose a .gguf file.')
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
    if (!(error instanceof GgufFormatError)) throw error
    throw invalid(`${lowerFirst(error.message)}.`)
  }
  const architecture = stringValue(file, 'general.architecture')
  if (!architecture) throw invalid('the file names no architecture (general.architecture).')
  const tokens = file.metadata.get('tokenizer.ggml.tokens')
  return {
    name: stringValue(file, 'general.name'),
    architecture,
    sizeBytes: info.size,
    vocabSize: tokens?.type === 'array' ? tokens.value.length : 0,
    header: file,
  }
}

function stringValue(file: GgufFile, key: string): string | null {
  const value = file.metadata.get(key)
  return value?.type === 'string' ? value.value : null
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
