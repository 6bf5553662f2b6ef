/**
 * The electron-builder configuration is checked with electron-builder's own validator (the one
 * `npm run dist` runs, with the scheme.json it ships), so a mistyped option fails here instead of
 * at release time on another operating system.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoModelPath, resourcesDirectory } from '../../src/main/util/resource-paths'

const root = join(import.meta.dirname, '../..')
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

// The app-builder-lib that electron-builder itself loads (it pins one exact version).
const fromHere = createRequire(import.meta.url)
const fromBuilder = createRequire(fromHere.resolve('electron-builder/package.json'))
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>
}
const quietLogger = { isEnabled: false, add: () => undefined }

describe('electron-builder.json', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined()
  })

  it('is really checked: an unknown or mistyped option is refused', async () => {
    await expect(validateConfiguration({ ...config, asarUnpak: [] }, quietLogger)).rejects.toThrow(
      /asarUnpak/,
    )
    await expect(
      validateConfiguration({ ...config, nsis: { ...config.nsis, oneClick: 'yes' } }, quietLogger),
    ).rejects.toThrow(/oneClick/)
  })

  it('names the product Tokenscope, as the data folder and package.json do', () => {
    expect(config.productName).toBe('Tokenscope')
    expect(pkg.productName).toBe('Tokenscope')
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/)
  })

  it('builds a DMG for both Mac architectures, NSIS for Windows x64, AppImage and deb for Linux x64', () => {
    const targets = (platform: 'mac' | 'win' | 'linux') =>
      (config[platform].target as { target: string; arch: string[] }[]).map(
        ({ target, arch }) => `${target}:${arch.join('+')}`,
      )
    expect(targets('mac')).toEqual(['dmg:arm64+x64'])
    expect(targets('win')).toEqual(['nsis:x64'])
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64'])
  })

  it('keeps node-llama-cpp and its binaries out of the asar archive', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/node-llama-cpp/**', 'node_modules/@node-llama-cpp/**']),
    )
  })

  it("ships only the target platform's @node-llama-cpp binary packages", () => {
    const files: string[] = config.files
    const dropAll = files.indexOf('!node_modules/@node-llama-cpp/**')
    const keepTarget = files.indexOf('node_modules/@node-llama-cpp/${os}-${arch}*/**')
    // electron-builder applies the patterns in order: drop every one, then add back the target's.
    expect(dropAll).toBeGreaterThanOrEqual(0)
    expect(keepTarget).toBeGreaterThan(dropAll)
  })

  it('copies the demo model to where the packaged app looks for it', () => {
    const resourcesPath = '/Applications/Tokenscope.app/Contents/Resources'
    const [entry] = config.extraResources as { from: string; to: string }[]
    expect(join(root, entry!.from)).toBe(demoModelPath(join(root, 'resources')))
    expect(join(resourcesPath, entry!.to)).toBe(
      demoModelPath(resourcesDirectory({ packaged: true, resourcesPath, repoRoot: root })),
    )
  })

  it('flips the hardening fuses of the packaged Electron binary', async () => {
    expect(config.electronFuses).toEqual({
      // The binary never runs as plain Node (ELECTRON_RUN_AS_NODE); the engine is a utilityProcess.
      runAsNode: false,
      // Neither NODE_OPTIONS nor --inspect can inject code into the installed app.
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      // Only the (integrity-checked, on macOS and Windows) app.asar is loaded, never a loose app/ folder.
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      // The page is app://, never file://.
      grantFileProtocolExtraPrivileges: false,
    })
    // onlyLoadAppFromAsar needs an asar archive.
    expect(config.asar).not.toBe(false)
    // The names are electron-builder's: a misspelt fuse is refused by its schema.
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } },
        quietLogger,
      ),
    ).rejects.toThrow(/electronFuses/)
  })

  it('the fuse names map onto @electron/fuses options that exist', async () => {
    const fromAppBuilder = createRequire(fromBuilder.resolve('app-builder-lib/package.json'))
    const { FuseV1Options } = fromAppBuilder('@electron/fuses') as {
      FuseV1Options: Record<string, number | string>
    }
    const capitalized = Object.keys(config.electronFuses).map(
      (name) => name[0]!.toUpperCase() + name.slice(1),
    )
    for (const name of capitalized) expect(FuseV1Options).toHaveProperty(name)
  })

  it('points at icons that exist', () => {
    for (const icon of [config.mac.icon, config.win.icon, `${config.linux.icon}/512x512.png`]) {
      expect(() => readFileSync(join(root, icon))).not.toThrow()
    }
  })
})

describe('resourcesDirectory', () => {
  const location = { resourcesPath: '/opt/Tokenscope/resources', repoRoot: '/src/tokenscope' }

  it("is the app's resources folder when packaged", () => {
    expect(resourcesDirectory({ ...location, packaged: true })).toBe('/opt/Tokenscope/resources')
    expect(demoModelPath(resourcesDirectory({ ...location, packaged: true }))).toBe(
      join('/opt/Tokenscope/resources', 'models', 'tokenscope-demo.gguf'),
    )
  })

  it("is the repository's resources folder in development", () => {
    expect(resourcesDirectory({ ...location, packaged: false })).toBe(
      join('/src/tokenscope', 'resources'),
    )
  })
})
