/**
 * `npm run test:desktop`: starts the built desktop app (Electron main, preload and page) with
 * Playwright, waits for the demo model, generates a completion, and checks that token chips appear
 * and that the session is saved in a temporary data folder. Not part of `npm test`: it needs the
 * Electron runtime, which `npm install` downloads only where it can reach github.com.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { _electron, type ElectronApplication } from 'playwright-core'
import { moduleDir } from './module-dir.mjs'
import { packageBin } from './package-bin.mjs'

const root = join(moduleDir(import.meta.url), '..')
const require = createRequire(import.meta.url)
const fail = (message: string): never => {
  console.error(`\ntest:desktop: ${message}`)
  process.exit(1)
}

/** Electron's binary, found the way its package finds it, but never downloading (that hangs offline). */
function electronBinary(): string | null {
  const packageDir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()
if (!binary) {
  fail(
    'the Electron runtime is not installed (node_modules/electron has no path.txt or no dist/ ' +
      'binary), so the desktop app cannot start on this machine. Electron downloads it from ' +
      'github.com when its install script runs: `node node_modules/electron/install.js`. ' +
      'Nothing was tested.',
  )
}

// Linux without a display: run again inside a virtual one.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.TOKENSCOPE_UNDER_XVFB) {
  const xvfb = spawnSync(
    'xvfb-run',
    ['-a', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, TOKENSCOPE_UNDER_XVFB: '1' },
    },
  )
  if (xvfb.error) fail('there is no display and xvfb-run is missing (apt-get install xvfb).')
  process.exit(xvfb.status ?? 1)
}

const build = spawnSync(process.execPath, [packageBin('electron-vite'), 'build'], {
  stdio: 'inherit',
  cwd: root,
})
if (build.status !== 0) fail('the build failed (see above).')

const dataDir = mkdtempSync(join(tmpdir(), 'tokenscope-desktop-test-'))
const prompt = 'A token is'
let app: ElectronApplication | null = null
try {
  app = await _electron.launch({
    executablePath: binary!,
    // CI's Linux runners forbid the unprivileged user namespaces Chromium's sandbox needs.
    args: [
      ...(process.platform === 'linux' && process.env.CI ? ['--no-sandbox'] : []),
      '.',
      `--data-dir=${dataDir}`,
    ],
    cwd: root,
    env: { ...process.env, TOKENSCOPE_DATA_DIR: dataDir },
    timeout: 60_000,
  })
  const page = await app.firstWindow()
  console.log(`window opened: ${page.url()}`)
  await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout: 120_000 })
  console.log('demo model loaded')
  await page.fill('[data-testid=max-tokens-input]', '24')
  await page.fill('[data-testid=prompt-input]', prompt)
  await page.locator('[data-testid=generate-button]:enabled').click()
  await page.locator('[data-testid=run-state]:text-is("ended")').waitFor({ timeout: 90_000 })
  const chips = await page.locator('[data-testid=token-chip]').count()
  if (chips === 0) throw new Error('the run ended without any token chips on the page.')
  console.log(`completion generated: ${chips} token chips`)
  // Quitting writes the sessions' last state before the app exits.
  await app.close()
  app = null

  const sessionsDir = join(dataDir, 'sessions')
  const saved = existsSync(sessionsDir)
    ? readdirSync(sessionsDir).filter((name) => name.endsWith('.json'))
    : []
  const withPrompt = saved.filter((name) =>
    readFileSync(join(sessionsDir, name), 'utf8').includes(prompt),
  )
  if (withPrompt.length === 0) {
    throw new Error(
      `no session file holding the prompt in ${sessionsDir} (found: ${saved.join(', ') || 'none'}).`,
    )
  }
  console.log(`session saved: ${join(sessionsDir, withPrompt[0]!)}`)
  console.log('\ntest:desktop passed')
} catch (error) {
  console.error(`\ntest:desktop failed: ${error instanceof Error ? error.message : error}`)
  process.exitCode = 1
} finally {
  await app?.close().catch(() => undefined)
  rmSync(dataDir, { recursive: true, force: true })
}
