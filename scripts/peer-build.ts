/**
 * `npm run peer:build`: builds llama.cpp's `llama-server` once, for the remote-engine tests
 * (`npm run test:peer`), from the git bundle node-llama-cpp ships — the same llama.cpp release as
 * the engine's binaries — into a cache folder outside the repository (`TOKENSCOPE_PEER_DIR`, else
 * ~/.cache/tokenscope/peer). CPU only, Release. Never run by `npm install` or `npm test`: it takes
 * tens of minutes on a small machine. Options: --jobs N, --force (configure and build again).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { llamaServerPath, peerRoot } from '../tests/helpers/llama-server'

const repoRoot = join(import.meta.dirname, '..')
const { values: args } = parseArgs({
  options: { jobs: { type: 'string' }, force: { type: 'boolean', default: false } },
})
const log = (line: string) => console.error(`[peer:build] ${line}`)

const llamaDir = join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama')
const bundle = join(llamaDir, 'gitRelease.bundle')
const release = (
  JSON.parse(readFileSync(join(llamaDir, 'binariesGithubRelease.json'), 'utf8')) as {
    release: string
  }
).release
const root = peerRoot()
const sourceDir = join(root, 'src')
const buildDir = join(root, 'build')
const jobs = Number(args.jobs ?? cpus().length)

const cmakeOptions = [
  'CMAKE_BUILD_TYPE=Release',
  // CPU only: the tests compare numbers, not speed, and must build anywhere.
  'GGML_CUDA=OFF',
  'GGML_METAL=OFF',
  'GGML_VULKAN=OFF',
  'GGML_CCACHE=OFF',
  'LLAMA_CURL=OFF',
  'LLAMA_OPENSSL=OFF',
  'LLAMA_BUILD_TESTS=OFF',
  'LLAMA_BUILD_EXAMPLES=OFF',
  'LLAMA_BUILD_TOOLS=ON',
  'LLAMA_BUILD_SERVER=ON',
  'BUILD_SHARED_LIBS=OFF',
]

function run(command: string, commandArgs: string[], cwd?: string) {
  log(`${command} ${commandArgs.join(' ')}`)
  const result = spawnSync(command, commandArgs, { cwd, stdio: 'inherit' })
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status})`)
}

for (const tool of ['git', 'cmake']) {
  if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) {
    log(`${tool} is needed to build llama-server; install it (e.g. apt-get install ${tool}).`)
    process.exit(1)
  }
}
if (!existsSync(bundle)) {
  log(`${bundle} is missing; run npm install first.`)
  process.exit(1)
}

// One clone per bundle: a new node-llama-cpp (a new release) clones and builds again.
const bundleId = createHash('sha256').update(readFileSync(bundle)).digest('hex')
const stamp = join(root, 'bundle.sha256')
const fresh = !existsSync(stamp) || readFileSync(stamp, 'utf8') !== bundleId
if (fresh || args.force) {
  rmSync(sourceDir, { recursive: true, force: true })
  rmSync(buildDir, { recursive: true, force: true })
  mkdirSync(root, { recursive: true })
  log(`cloning llama.cpp ${release} from node-llama-cpp's bundle into ${sourceDir}`)
  run('git', ['clone', '--quiet', bundle, sourceDir])
  writeFileSync(stamp, bundleId)
}
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: sourceDir }).toString().trim()

run('cmake', ['-S', sourceDir, '-B', buildDir, ...cmakeOptions.map((option) => `-D${option}`)])
run('cmake', [
  '--build',
  buildDir,
  '--config',
  'Release',
  '--target',
  'llama-server',
  '-j',
  String(jobs),
])

const binary = llamaServerPath(root)
if (!existsSync(binary)) {
  log(`the build ended but ${binary} is not there`)
  process.exit(1)
}
writeFileSync(
  join(root, 'peer.json'),
  `${JSON.stringify({ release, commit, binary, builtAt: new Date().toISOString() }, null, 2)}\n`,
)
log(`built ${binary} (llama.cpp ${release}, ${commit.slice(0, 12)}); run npm run test:peer`)
