import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as unknown

interface PackageJson {
  version: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}
interface LockFile {
  packages: Record<string, { version?: string; optional?: boolean }>
}

const manifest = readJson('package.json') as PackageJson
const lock = readJson('package-lock.json') as LockFile
const engine = readJson('node_modules/node-llama-cpp/package.json') as PackageJson

// A lockfile made on one OS can silently lose the other OSes' engine binaries (npm/cli#8805); a
// user on that OS then gets no prebuilt engine at all.
describe('package-lock.json', () => {
  it('pins node-llama-cpp exactly, at the version that is installed', () => {
    expect(manifest.dependencies?.['node-llama-cpp']).toBe(engine.version)
    expect(lock.packages['node_modules/node-llama-cpp']?.version).toBe(engine.version)
  })

  it("locks every platform's node-llama-cpp binary package at the version it declares", () => {
    const declared = Object.entries(engine.optionalDependencies ?? {}).filter(([name]) =>
      name.startsWith('@node-llama-cpp/'),
    )
    expect(declared.map(([name]) => name)).toEqual(
      expect.arrayContaining(['@node-llama-cpp/mac-arm64-metal', '@node-llama-cpp/win-x64']),
    )
    const locked = declared.map(([name]) => [name, lock.packages[`node_modules/${name}`]?.version])
    expect(Object.fromEntries(locked)).toEqual(Object.fromEntries(declared))
  })
})
