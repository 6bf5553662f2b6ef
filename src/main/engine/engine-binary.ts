import { join } from 'node:path'
import type { ComputeBackend, EngineBinaryInfo } from '../../shared/engine-status'

/**
 * Which llama.cpp binary the engine runs: node-llama-cpp's prebuilt one, or the fast one that
 * `npm run build:engine` built on this machine (native CPU flags, persistent worker threads, and
 * the addon patches in patches/node-llama-cpp). Pure: fast-binary.ts does the loading.
 */

/** `TOKENSCOPE_ENGINE_BINARY`: `auto` (the default) uses the fast binary when it is sound. */
export type EngineBinaryPreference = 'auto' | 'prebuilt' | 'fast'

const preferences: readonly EngineBinaryPreference[] = ['auto', 'prebuilt', 'fast']

export function parseEngineBinaryPreference(value: string | undefined): {
  preference: EngineBinaryPreference
  problem: string | null
} {
  const wanted = (value ?? '').trim().toLowerCase()
  if (wanted === '') return { preference: 'auto', problem: null }
  const preference = preferences.find((p) => p === wanted)
  if (preference) return { preference, problem: null }
  return {
    preference: 'auto',
    problem: `TOKENSCOPE_ENGINE_BINARY="${value ?? ''}" is not one of ${preferences.join(', ')}; it was ignored.`,
  }
}

/** The version of the addon API the engine speaks to a fast binary (`setProbabilitiesHead`). */
export const fastEngineApi = 1

/** Written by `npm run build:engine` next to the binary. */
export interface FastBuildManifest {
  api: number
  nodeLlamaCpp: string
  llamaCppRelease: string
  backend: ComputeBackend
  /** Hash of the patches, options and sources the build used; also in its folder's name. */
  hash: string
  builtAt: string
  /** The addon, relative to the manifest's folder. */
  binary: string
  /** What the build has, for the status line: `native CPU flags, OpenMP, 2 patches`. */
  features: string[]
}

/** Where fast builds are cached: outside the repository, like the bench model. */
export function engineCacheRoot(env: Record<string, string | undefined>, home: string): string {
  if (env.TOKENSCOPE_ENGINE_CACHE) return env.TOKENSCOPE_ENGINE_CACHE
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'tokenscope', 'engine')
}

export function buildFolderName(version: string, backend: ComputeBackend, hash: string): string {
  return `${version}-${backend}-${hash}`
}

/** The newest build made for this node-llama-cpp, backend and addon API; null when none. */
export function pickFastBuild(
  manifests: readonly FastBuildManifest[],
  wanted: { nodeLlamaCpp: string; backend: ComputeBackend },
): FastBuildManifest | null {
  const usable = manifests.filter(
    (m) =>
      m.api === fastEngineApi &&
      m.nodeLlamaCpp === wanted.nodeLlamaCpp &&
      m.backend === wanted.backend,
  )
  usable.sort((a, b) => b.builtAt.localeCompare(a.builtAt))
  return usable[0] ?? null
}

export interface FastAttempt {
  build: FastBuildManifest | null
  /** Why the found build could not run (it did not load, or its self-check failed); else null. */
  failure: string | null
}

/**
 * The binary to run and the reason, for the status. A forced `fast` that cannot run is an
 * error, so that a benchmark or test never measures the other binary by mistake.
 */
export function chooseEngineBinary(
  preference: EngineBinaryPreference,
  fast: FastAttempt | null,
): { use: 'fast' | 'prebuilt'; reason: string } {
  if (preference === 'prebuilt') {
    return { use: 'prebuilt', reason: 'TOKENSCOPE_ENGINE_BINARY=prebuilt' }
  }
  let problem: string
  if (!fast?.build) problem = 'no fast binary is built for this version (npm run build:engine)'
  else if (fast.failure) problem = `the fast binary failed its self-check: ${fast.failure}`
  else return { use: 'fast', reason: 'built on this machine; passed its self-check' }
  if (preference === 'fast') throw new Error(`TOKENSCOPE_ENGINE_BINARY=fast, but ${problem}`)
  return { use: 'prebuilt', reason: problem }
}

/** What the status says: which binary, what it has, and why it was chosen. */
export function describeEngineBinary(
  use: 'fast' | 'prebuilt',
  reason: string,
  build: FastBuildManifest | null,
  binaryPath: string | null,
): EngineBinaryInfo {
  if (use === 'fast' && build) {
    return {
      kind: 'fast',
      label: `fast build (${build.features.join(', ')})`,
      reason,
      path: binaryPath,
    }
  }
  return { kind: 'prebuilt', label: 'node-llama-cpp prebuilt', reason, path: null }
}
