/** What to tell the user when a drop or the file dialog did not give a model to open. */
export interface OpenNotice {
  /** `browser`: the file is fine, but browser pages cannot see where it is stored. */
  kind: 'browser' | 'not-gguf' | 'several' | 'empty' | 'no-path' | 'dialog'
  message: string
  hint: string
}

export type DropResult = { path: string } | { notice: OpenNotice }

/** The part of a dropped File this needs (a real File has it). */
export interface DroppedFile {
  name: string
}

/** Finds where a dropped file lives on disk; only the desktop app can. */
export type PathForFile<F> = (file: F) => string

const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i

export function isGgufName(name: string): boolean {
  return name.toLowerCase().endsWith('.gguf')
}

/**
 * Which model file a drop opens, or why it opens none. Several parts of one split model open
 * its first part; `pathForFile` is null in browser mode, where a page never learns a file's path.
 */
export function droppedModelPath<F extends DroppedFile>(
  files: readonly F[],
  pathForFile: PathForFile<F> | null,
): DropResult {
  if (files.length === 0) {
    return notice(
      'empty',
      'Nothing to open: that was not a file.',
      'Drag a .gguf file from your file manager onto this tab.',
    )
  }
  const models = files.filter((file) => isGgufName(file.name))
  const first = files[0]
  if (models.length === 0 && first) {
    const named = files.length === 1 ? `“${first.name}” is not` : 'None of these files is'
    return notice(
      'not-gguf',
      `${named} a GGUF model.`,
      'Tokenscope opens .gguf files, the format llama.cpp uses. Look for a file name ending in .gguf.',
    )
  }
  const model = pickModel(models)
  if (!model) {
    return notice(
      'several',
      `${models.length} models were dropped; drop one at a time.`,
      'For a model split into parts, drop its first part (…-00001-of-0000N.gguf).',
    )
  }
  if (!pathForFile) {
    return notice(
      'browser',
      `The browser does not tell this page where “${model.name}” is stored.`,
      'Paste its full path into the field above and press Open. The desktop app opens dropped files directly.',
    )
  }
  let path = ''
  try {
    path = pathForFile(model).trim()
  } catch {
    path = ''
  }
  if (path === '') {
    return notice(
      'no-path',
      `Could not find where “${model.name}” is stored.`,
      'Drop the file from a folder on this computer, or use Browse… to pick it.',
    )
  }
  return { path }
}

/** One .gguf, or the first part of a split model whose parts were all dropped together. */
function pickModel<F extends DroppedFile>(models: readonly F[]): F | null {
  if (models.length === 1) return models[0] ?? null
  const stems = new Set(models.map((m) => m.name.replace(splitPart, '')))
  if (stems.size !== 1 || !models.every((m) => splitPart.test(m.name))) return null
  return models.find((m) => splitPart.exec(m.name)?.[1] === '00001') ?? null
}

/** The file dialog failed (browser mode has none). */
export function dialogNotice(message: string, hint?: string): OpenNotice {
  return {
    kind: 'dialog',
    message,
    hint: hint ?? 'Type or paste the path of the .gguf file instead.',
  }
}

/** Whether a drag carries files (not text or a link), so the drop overlay is worth showing. */
export function dragHasFiles(types: readonly string[] | null | undefined): boolean {
  return types?.includes('Files') ?? false
}

function notice(kind: OpenNotice['kind'], message: string, hint: string): DropResult {
  return { notice: { kind, message, hint } }
}
