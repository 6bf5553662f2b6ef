import { isAbsolute, relative, resolve } from 'node:path'
import { AppFailure } from '../../shared/errors'

/**
 * Which paths the file-path methods (inspect, load, scan) may touch: the models folder, what the
 * user typed, picked or dropped in this run of the host, and files the host listed itself (a
 * scan of such a folder, the recent list). Everything is decided from the path's text before
 * the disk is touched, so a refusal says nothing about whether the path exists.
 */
export interface PathAccess {
  /** The user named this file or folder (the UI's "use this path" intent, the file dialog). */
  allow(path: string, kind: 'file' | 'folder'): void
  /** Files the host showed the user: they may be inspected and loaded. */
  listed(paths: Iterable<string>): void
  checkFile(path: string): void
  checkFolder(path: string): void
}

/** Paths remembered at most; the oldest go first (a page cannot grow the host's memory). */
const maxRemembered = 10_000

function refuse(what: string): never {
  throw new AppFailure({
    code: 'path-not-allowed',
    message: `Tokenscope opens ${what} only from its models folder or from a path chosen in the Models tab.`,
    hint: 'Type, paste or pick the path in the Models tab, or put the file in the models folder.',
  })
}

function inside(folder: string, path: string): boolean {
  const rest = relative(folder, path)
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest))
}

export function createPathAccess(modelsFolder: string): PathAccess {
  const root = resolve(modelsFolder)
  const files = new Set<string>()
  const folders = new Set<string>()
  const remember = (set: Set<string>, path: string) => {
    set.delete(path)
    set.add(path)
    if (set.size > maxRemembered) set.delete(set.values().next().value as string)
  }
  return {
    allow(path, kind) {
      if (typeof path !== 'string' || path === '' || path.includes('\0')) return
      remember(kind === 'folder' ? folders : files, resolve(path))
    },
    listed(paths) {
      for (const path of paths) remember(files, resolve(path))
    },
    checkFile(path) {
      if (typeof path !== 'string' || path.includes('\0')) refuse('model files')
      if (!path.toLowerCase().endsWith('.gguf')) {
        throw new AppFailure({
          code: 'path-not-allowed',
          message: 'Tokenscope opens only .gguf model files.',
          hint: 'Choose a file whose name ends in .gguf.',
        })
      }
      const full = resolve(path)
      if (!inside(root, full) && !files.has(full)) refuse('model files')
    },
    checkFolder(path) {
      if (typeof path !== 'string' || path.includes('\0')) refuse('folders')
      const full = resolve(path)
      if (!inside(root, full) && !folders.has(full)) refuse('folders')
    },
  }
}
