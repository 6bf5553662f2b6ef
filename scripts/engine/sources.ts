/**
 * The sources of the fast engine binary: llama.cpp from the git bundle node-llama-cpp ships, its
 * addon and CMake project, and our addon patches (patches/node-llama-cpp), staged in the cache.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

export interface SourcePaths {
  /** node_modules/node-llama-cpp/llama: bundle, addon, CMakeLists.txt, llama.cpp patches. */
  llamaDir: string
  /** patches/node-llama-cpp in this repository. */
  patchesDir: string
  /** Where the staged source tree lives (kept between builds, so rebuilds are incremental). */
  stageDir: string
}

export function ourPatches(patchesDir: string): string[] {
  return readdirSync(patchesDir)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => join(patchesDir, name))
}

/** What decides the binary: any change gives another build folder. */
export function sourceHash(paths: SourcePaths, options: readonly string[]): string {
  const hash = createHash('sha256')
  hash.update(readFileSync(join(paths.llamaDir, 'gitRelease.bundle')))
  for (const file of addonFiles(paths.llamaDir)) hash.update(file).update(readFileSync(file))
  for (const patch of [...ourPatches(paths.patchesDir), ...llamaCppPatches(paths.llamaDir)]) {
    hash.update(readFileSync(patch))
  }
  hash.update(options.join('\n'))
  return hash.digest('hex').slice(0, 12)
}

function addonFiles(llamaDir: string): string[] {
  const addon = join(llamaDir, 'addon')
  const files = readdirSync(addon, { recursive: true, withFileTypes: true })
  return files
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

function llamaCppPatches(llamaDir: string): string[] {
  const dir = join(llamaDir, 'patches')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => name.endsWith('.diff') || name.endsWith('.patch'))
    .sort()
    .map((name) => join(dir, name))
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString()

/**
 * Lays out the tree node-llama-cpp's CMakeLists.txt expects (addon/, cmake/, llama.cpp/) with
 * our patches applied to the addon. llama.cpp is cloned once per bundle and patched as
 * node-llama-cpp patches it (llama/patches).
 */
export function stageSources(paths: SourcePaths, log: (line: string) => void): void {
  const { llamaDir, stageDir } = paths
  mkdirSync(stageDir, { recursive: true })
  const bundle = join(llamaDir, 'gitRelease.bundle')
  const bundleId = createHash('sha256').update(readFileSync(bundle)).digest('hex')
  const llamaCpp = join(stageDir, 'llama.cpp')
  const stamp = join(stageDir, 'bundle.sha256')
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== bundleId) {
    log('cloning llama.cpp from the bundle node-llama-cpp ships')
    rmSync(llamaCpp, { recursive: true, force: true })
    execFileSync('git', ['clone', '--quiet', bundle, llamaCpp], { stdio: 'inherit' })
    for (const patch of llamaCppPatches(llamaDir)) {
      log(`applying node-llama-cpp's ${patch.split('/').pop()}`)
      git(llamaCpp, 'apply', patch)
    }
    writeFileSync(stamp, bundleId)
  }
  for (const name of ['CMakeLists.txt', 'cmake', 'addon']) {
    const target = join(stageDir, name)
    rmSync(target, { recursive: true, force: true })
    cpSync(join(llamaDir, name), target, { recursive: true, preserveTimestamps: true })
  }
  for (const patch of ourPatches(paths.patchesDir)) {
    log(`applying ${patch.split('/').pop()}`)
    // The patches name node-llama-cpp's own paths (llama/addon/…), as sent upstream.
    git(stageDir, 'apply', '-p2', patch)
  }
}
