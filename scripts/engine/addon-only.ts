/**
 * `npm run build:engine -- --addon-only`: compiles only node-llama-cpp's addon (with our patches)
 * and links it against the prebuilt llama.cpp libraries node-llama-cpp ships, copied next to it.
 * Minutes instead of the full build's tens of minutes; it brings the addon patches, not native
 * CPU flags or OpenMP. Same llama.cpp commit as the prebuilt libraries: the addon uses internal
 * headers (llama-context.h), so it must be built from the bundle of the installed version.
 */
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { basename, join, relative } from 'node:path'

export interface AddonOnlyOptions {
  stageDir: string
  objectDir: string
  /** node_modules/@node-llama-cpp/<platform>/bins/<platform>: the prebuilt libraries. */
  prebuiltDir: string
  nodeInclude: string
  addonApiInclude: string
  jobs: number
  log: (line: string) => void
}

function sources(addonDir: string): string[] {
  return readdirSync(addonDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.cpp'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

export async function buildAddonOnly(options: AddonOnlyOptions, outDir: string): Promise<void> {
  const { stageDir, objectDir } = options
  const llama = join(stageDir, 'llama.cpp')
  const includes = [
    options.addonApiInclude,
    options.nodeInclude,
    llama,
    join(llama, 'common'),
    join(llama, 'include'),
    join(llama, 'src'),
    join(llama, 'ggml', 'include'),
    join(llama, 'vendor'),
  ].map((dir) => `-I${dir}`)
  const flags = ['-O3', '-DNDEBUG', '-fPIC', '-fexceptions', '-std=c++17', '-DNAPI_VERSION=7']
  const work = sources(join(stageDir, 'addon')).map((source) => {
    const object = join(objectDir, `${relative(stageDir, source).replaceAll('/', '_')}.o`)
    const fresh = existsSync(object) && statSync(object).mtimeMs >= statSync(source).mtimeMs
    return { source, object, fresh }
  })
  mkdirSync(objectDir, { recursive: true })
  const queue = work.filter((item) => !item.fresh)
  options.log(`compiling ${queue.length} of ${work.length} addon sources`)
  const compileOne = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      options.log(`  ${basename(item.source)}`)
      await run('c++', [...flags, ...includes, '-c', item.source, '-o', item.object])
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, compileOne))

  mkdirSync(outDir, { recursive: true })
  const libraries = readdirSync(options.prebuiltDir).filter((name) => /\.(so|dylib)$/.test(name))
  for (const name of libraries) copyFileSync(join(options.prebuiltDir, name), join(outDir, name))
  const linked = libraries.filter((name) => /^lib(llama|llama-common|ggml|ggml-base)[.]/.test(name))
  const rpath = process.platform === 'darwin' ? '@loader_path' : '$ORIGIN'
  execFileSync('c++', [
    '-shared',
    '-fPIC',
    '-o',
    join(outDir, 'llama-addon.node'),
    ...work.map((item) => item.object),
    ...linked.map((name) => join(outDir, name)),
    `-Wl,-rpath,${rpath}`,
    ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : ['-ldl', '-lpthread']),
  ])
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    )
  })
}
