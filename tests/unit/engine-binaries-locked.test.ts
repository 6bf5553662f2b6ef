import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// A lockfile made where some platform's binaries were missing from the registry lists only the
// rest, and `npm ci` then installs no engine on those platforms. This reads the committed files.
const root = new URL('../../', import.meta.url)
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, root), 'utf8'))

interface LockEntry {
  version?: string
  optionalDependencies?: Record<string, string>
  os?: string[]
  cpu?: string[]
}

const manifest = readJson('package.json') as { dependencies: Record<string, string> }
const lock = readJson('package-lock.json') as { packages: Record<string, LockEntry> }
const engine = lock.packages['node_modules/node-llama-cpp']

describe('the engine binaries in package-lock.json', () => {
  it('pins node-llama-cpp to one exact version', () => {
    const wanted = manifest.dependencies['node-llama-cpp']
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/)
    expect(engine?.version).toBe(wanted)
  })

  it('locks every platform binary package that version declares, at that version', () => {
    const declared = Object.entries(engine?.optionalDependencies ?? {})
    const missing = declared.filter(
      ([name, version]) => lock.packages[`node_modules/${name}`]?.version !== version,
    )
    expect(missing).toEqual([])
  })

  it('covers macOS (Metal and Intel), Windows and Linux', () => {
    const locked = Object.entries(lock.packages).filter(([path]) =>
      path.startsWith('node_modules/@node-llama-cpp/'),
    )
    const platforms = new Set(
      locked.flatMap(([, entry]) =>
        (entry.os ?? []).flatMap((os) => (entry.cpu ?? []).map((cpu) => `${os}-${cpu}`)),
      ),
    )
    for (const platform of ['darwin-arm64', 'darwin-x64', 'win32-x64', 'linux-x64']) {
      expect(platforms).toContain(platform)
    }
  })
})
