import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, homedir } from 'node:os'
import { join } from 'node:path'
import { Llama, LlamaLogLevel, type Token } from 'node-llama-cpp'
import { engineCacheRoot, pickFastBuild, type FastBuildManifest } from './engine-binary'

/** Every manifest under the cache root; unreadable folders are skipped. */
export function listFastBuilds(root = engineCacheRoot(process.env, homedir())) {
  if (!existsSync(root)) return []
  const found: Array<FastBuildManifest & { folder: string }> = []
  for (const name of readdirSync(root)) {
    const folder = join(root, name)
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'))
      found.push({ ...(manifest as FastBuildManifest), folder })
    } catch {
      // Not a finished build (the build folder itself, or one interrupted).
    }
  }
  return found
}

export function findFastBuild(nodeLlamaCpp: string) {
  const builds = listFastBuilds()
  const picked = pickFastBuild(builds, { nodeLlamaCpp, backend: 'cpu' })
  return picked ? (builds.find((b) => b === picked) ?? null) : null
}

/** The CPU a build was made for: it uses that CPU's instructions (GGML_NATIVE). */
export function cpuModel(): string {
  return cpus()[0]?.model.trim() ?? 'unknown'
}

export interface FastLoadOptions {
  logLevel: LlamaLogLevel
  logger: (level: LlamaLogLevel, message: string) => void
}

/**
 * Loads the fast build's addon as node-llama-cpp loads its own local builds (getLlama.js,
 * `loadExistingLlamaBinary`), from our cache instead of node_modules: node-llama-cpp only looks
 * for local builds inside its own package folder.
 */
export async function loadFastLlama(
  build: FastBuildManifest & { folder: string; cpu?: string },
  options: FastLoadOptions,
): Promise<Llama> {
  if (build.cpu && build.cpu !== cpuModel()) {
    throw new Error(`it was built for another CPU (${build.cpu})`)
  }
  const bindingPath = join(build.folder, build.binary)
  const bindings: unknown = createRequire(import.meta.url)(bindingPath)
  const create = (Llama as unknown as { _create(options: object): Promise<Llama> })._create
  return await create.call(Llama, {
    bindings,
    bindingPath,
    buildType: 'localBuild',
    buildMetadata: {
      buildOptions: {
        customCmakeOptions: {},
        gpu: false,
        llamaCpp: { repo: 'ggml-org/llama.cpp', release: build.llamaCppRelease },
      },
    },
    logLevel: options.logLevel,
    logger: options.logger,
    // node-llama-cpp's own defaults (getLlama.js), which it does not export.
    vramPadding: (total: number) => Math.floor(Math.min(total * 0.08, 1.6 * 1024 ** 3)),
    ramPadding: (total: number) =>
      Math.floor(Math.min(total * 0.25, (process.platform === 'linux' ? 1 : 6) * 1024 ** 3)),
    skipLlamaInit: false,
    debug: false,
    numa: false,
    tempDir: undefined,
  })
}

/** What the prebuilt binary gave for the self-check's prompt, recorded by build:engine. */
export interface SelfCheckReference {
  tokens: number[]
  probabilities: Array<[number, number]>
}

export const selfCheckText = 'A token is a piece of text, and the model'
const tolerance = 1e-4

/** The demo model's next-token distribution after the reference prompt, whole and as a head. */
export async function demoDistributions(
  llama: Llama,
  demoModelPath: string,
  tokens?: number[],
  threads = 1,
) {
  const model = await llama.loadModel({ modelPath: demoModelPath })
  try {
    const context = await model.createContext({ contextSize: 256, threads })
    try {
      const sequence = context.getSequence()
      const prompt = (tokens ?? model.tokenize(selfCheckText, true)) as Token[]
      const step = async () => {
        await sequence.clearHistory()
        const last = prompt.at(-1)!
        const generateNext = { token: true, options: { temperature: 0 }, probabilities: true }
        const results = await sequence.controlledEvaluate([
          ...prompt.slice(0, -1),
          [last, { generateNext }],
        ])
        return results.at(-1)?.next?.probabilities ?? new Map<Token, number>()
      }
      const whole = await step()
      const addon = (
        context as unknown as {
          _ctx: { setProbabilitiesHead?: (top: number, mass: number, minRatio: number) => void }
        }
      )._ctx
      let head: Map<Token, number> | null = null
      if (typeof addon.setProbabilitiesHead === 'function') {
        addon.setProbabilitiesHead(20, 1, 0)
        head = await step()
        addon.setProbabilitiesHead(0, 1, 0)
      }
      return { tokens: prompt as number[], whole, head }
    } finally {
      await context.dispose()
    }
  } finally {
    await model.dispose()
  }
}

/**
 * The fast binary's answer for the reference prompt against the prebuilt one's: every
 * probability, the head's and the entropy within 1e-4. Null when it passes, else what differs.
 */
export async function selfCheck(
  llama: Llama,
  demoModelPath: string,
  reference: SelfCheckReference,
): Promise<string | null> {
  // Two threads, so that the worker threads (OpenMP, or the threadpool of patch 0003) run too.
  const { whole, head } = await demoDistributions(llama, demoModelPath, reference.tokens, 2)
  const expected = new Map(reference.probabilities)
  if (whole.size !== expected.size) return `${whole.size} probabilities instead of ${expected.size}`
  let worst = 0
  for (const [id, p] of expected)
    worst = Math.max(worst, Math.abs((whole.get(id as Token) ?? -1) - p))
  if (worst > tolerance) return `a probability differs by ${worst.toExponential(2)}`
  if (!head) return 'the addon has no setProbabilitiesHead'
  const entropy = entropyOf([...expected.values()])
  const headEntropy = head.get(-1 as Token)
  if (headEntropy === undefined || Math.abs(headEntropy - entropy) > tolerance) {
    return `the head's entropy is ${headEntropy} instead of ${entropy}`
  }
  if (head.get(-2 as Token) !== expected.size) return "the head's candidate count is wrong"
  const top = [...expected].sort((a, b) => b[1] - a[1]).slice(0, 20)
  for (const [id, p] of top) {
    const got = head.get(id as Token)
    if (got === undefined || Math.abs(got - p) > tolerance) return `the head misses token ${id}`
  }
  return null
}

/**
 * Entropy in nats as the step reader computes it from float32 probabilities: renormalised, since
 * their float32 sum is not exactly 1 (the fast binary's is computed in double from the logits).
 */
function entropyOf(probabilities: number[]): number {
  const total = probabilities.reduce((a, b) => a + b, 0)
  return probabilities.reduce((h, p) => (p > 0 ? h - (p / total) * Math.log(p / total) : h), 0)
}

export function readReference(folder: string): SelfCheckReference {
  return JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')) as SelfCheckReference
}
