/**
 * `npm run build:engine`: builds the fast engine binary for this machine's CPU from the llama.cpp
 * source node-llama-cpp ships, with native CPU flags (GGML_NATIVE), OpenMP's persistent worker
 * threads, everything linked into one addon, and our addon patches (patches/node-llama-cpp).
 * Cached outside the repository; the engine uses it once it passes its self-check
 * (src/main/engine/fast-binary.ts). Options: --jobs N, --force, --addon-only
 * (scripts/engine/addon-only.ts: the patched addon on the prebuilt libraries, in minutes).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { getLlama, LlamaLogLevel } from 'node-llama-cpp'
import {
  buildFolderName,
  engineCacheRoot,
  fastEngineApi,
  type FastBuildManifest,
} from '../src/main/engine/engine-binary'
import {
  cpuModel,
  demoDistributions,
  loadFastLlama,
  selfCheck,
  type SelfCheckReference,
} from '../src/main/engine/fast-binary'
import { buildAddonOnly } from './engine/addon-only'
import { ourPatches, sourceHash, stageSources } from './engine/sources'

const repoRoot = join(import.meta.dirname, '..')
const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string' },
    force: { type: 'boolean', default: false },
    'addon-only': { type: 'boolean', default: false },
  },
})
const log = (line: string) => console.error(`[build:engine] ${line}`)
const jobs = Number(args.jobs ?? cpus().length)

const llamaDir = join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama')
const nodeLlamaCpp = readJson(join(llamaDir, '..', 'package.json')).version as string
const llamaCppRelease = readJson(join(llamaDir, 'binariesGithubRelease.json')).release as string
const root = engineCacheRoot(process.env, homedir())
const paths = {
  llamaDir,
  patchesDir: join(repoRoot, 'patches', 'node-llama-cpp'),
  stageDir: join(root, 'work', 'src'),
}
const buildDir = join(root, 'work', 'build-cpu')
const demoModelPath = join(repoRoot, 'resources', 'models', 'tokenscope-demo.gguf')

const addonNativeFlags = join(repoRoot, 'scripts', 'engine', 'addon-native.cmake')

// One addon with llama.cpp and ggml linked in: no shared libraries that could clash with the
// prebuilt ones by name, and nothing to find at load time but the addon itself.
const cmakeOptions = [
  'CMAKE_BUILD_TYPE=Release',
  'GGML_NATIVE=ON',
  'GGML_OPENMP=ON',
  'BUILD_SHARED_LIBS=OFF',
  'GGML_BACKEND_DL=OFF',
  'GGML_METAL=OFF',
  'GGML_CCACHE=OFF',
  'LLAMA_CURL=OFF',
  'LLAMA_HTTPLIB=OFF',
  'LLAMA_BUILD_BORINGSSL=OFF',
  'LLAMA_OPENSSL=OFF',
  'GGML_BUILD_NUMBER=1',
  `NLC_CURRENT_PLATFORM=${platformName()}-${process.arch}`,
  `NLC_TARGET_PLATFORM=${platformName()}-${process.arch}`,
  'NLC_VARIANT=tsfast',
  `CMAKE_PROJECT_llama-addon_INCLUDE=${addonNativeFlags}`,
]

const addonOnly = args['addon-only'] ?? false
const platform = `${platformName()}-${process.arch}`
const prebuiltDir = join(repoRoot, 'node_modules', '@node-llama-cpp', platform, 'bins', platform)
const hash = sourceHash(paths, [
  ...(addonOnly ? ['addon only', prebuiltDir] : cmakeOptions),
  readFileSync(addonNativeFlags, 'utf8'),
  cpuModel(),
])
const outDir = join(root, buildFolderName(nodeLlamaCpp, 'cpu', hash))
if (existsSync(join(outDir, 'manifest.json')) && !args.force) {
  log(`up to date: ${outDir}`)
  process.exit(0)
}

stageSources(paths, log)
const nodeInclude = nodeHeaders()
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })
let buildFeatures: string[]
if (addonOnly) {
  const addonApiInclude = join(repoRoot, 'node_modules', 'node-addon-api')
  const objectDir = join(root, 'work', 'build-addon')
  await buildAddonOnly(
    { ...paths, objectDir, prebuiltDir, nodeInclude, addonApiInclude, jobs, log },
    outDir,
  )
  buildFeatures = ['prebuilt llama.cpp libraries']
} else {
  const generator = hasCommand('ninja') ? ['-G', 'Ninja'] : []
  log(`configuring (node headers ${nodeInclude})`)
  run('cmake', [
    '-S',
    paths.stageDir,
    '-B',
    buildDir,
    ...generator,
    `-DCMAKE_JS_INC=${nodeInclude}`,
    ...cmakeOptions.map((option) => `-D${option}`),
  ])
  log(`building with ${jobs} jobs (a first build takes a while)`)
  run('cmake', ['--build', buildDir, '--target', 'llama-addon', '-j', String(jobs)])
  const cache = readFileSync(join(buildDir, 'CMakeCache.txt'), 'utf8')
  const openMp = /OpenMP_C_FLAGS:STRING=-fopenmp/.test(cache)
  copyFileSync(join(buildDir, 'llama-addon.node'), join(outDir, 'llama-addon.node'))
  buildFeatures = ['native CPU flags', openMp ? 'OpenMP threads' : 'no OpenMP']
}

log('recording the prebuilt binary’s answer for the self-check')
const prebuilt = await getLlama({ gpu: false, build: 'never' })
const recorded = await demoDistributions(prebuilt, demoModelPath)
await prebuilt.dispose()
const reference: SelfCheckReference = {
  tokens: recorded.tokens,
  probabilities: [...recorded.whole].map(([id, p]): [number, number] => [id, p]),
}
writeFileSync(join(outDir, 'reference.json'), JSON.stringify(reference))

const manifest: FastBuildManifest & { cpu: string } = {
  api: fastEngineApi,
  nodeLlamaCpp,
  llamaCppRelease,
  backend: 'cpu',
  hash,
  builtAt: new Date().toISOString(),
  binary: 'llama-addon.node',
  features: [
    ...buildFeatures,
    `patches ${ourPatches(paths.patchesDir)
      .map((p) => p.split('/').pop()!.slice(0, 4))
      .join(', ')}`,
  ],
  cpu: cpuModel(),
}
const fast = await loadFastLlama(
  { ...manifest, folder: outDir },
  {
    logLevel: LlamaLogLevel.warn,
    logger: () => undefined,
  },
)
const failure = await selfCheck(fast, demoModelPath, reference)
await fast.dispose()
if (failure) {
  log(`the new binary failed its self-check: ${failure}; not installed`)
  process.exit(1)
}
// The manifest last: the engine only sees a finished, checked build.
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2))
log(`built and checked: ${join(outDir, 'llama-addon.node')}`)

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
}

function platformName(): string {
  return process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux'
}

function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0
}

/** The N-API headers: npm's configured nodedir (no download), else next to this node. */
function nodeHeaders(): string {
  const npmDir = (() => {
    try {
      return execFileSync('npm', ['config', 'get', 'nodedir']).toString().trim()
    } catch {
      return ''
    }
  })()
  const candidates = [npmDir, process.env.npm_config_nodedir, dirname(dirname(process.execPath))]
    .filter((dir): dir is string => !!dir && dir !== 'undefined' && dir !== 'null')
    .map((dir) => join(dir, 'include', 'node'))
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')))
  if (!found) throw new Error(`no Node headers (node_api.h) in ${candidates.join(', ')}`)
  return found
}

function run(command: string, commandArgs: string[]) {
  // NODE_PATH: node-llama-cpp's CMakeLists.txt finds node-addon-api with `require` from the
  // staged tree, which is outside node_modules.
  const env = { ...process.env, NODE_PATH: join(repoRoot, 'node_modules') }
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env })
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed`)
}
