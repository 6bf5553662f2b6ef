import { join } from 'node:path'

/** Where the demo model sits under the resources folder; electron-builder.json copies it there. */
export const demoModelRelativePath = ['models', 'tokenscope-demo.gguf'] as const

export interface ResourceLocation {
  /** Electron's `app.isPackaged`. */
  packaged: boolean
  /** Electron's `process.resourcesPath`: the installed app's Resources folder. */
  resourcesPath: string
  /** The repository root, in development. */
  repoRoot: string
}

/**
 * A packaged app finds its extra resources next to app.asar (the archive cannot be read by the
 * native code that loads the model); a development run reads the repository's folder.
 */
export function resourcesDirectory(location: ResourceLocation): string {
  return location.packaged ? location.resourcesPath : join(location.repoRoot, 'resources')
}

export function demoModelPath(resourcesDir: string): string {
  return join(resourcesDir, ...demoModelRelativePath)
}
