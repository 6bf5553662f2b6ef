// `npm start`: build, then open the desktop window. Electron's runtime is downloaded on first
// launch (npm does not run its install script by default); where that is impossible, say so and
// point to browser mode instead of failing with a stack trace.
import { spawnSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { moduleDir } from './module-dir.mjs'
import { packageBin } from './package-bin.mjs'

const require = createRequire(import.meta.url)
const root = join(moduleDir(import.meta.url), '..')

function electronBinary() {
  try {
    const path = require('electron')
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch {
    return null
  }
}

function fetchElectron() {
  console.log('Downloading the Electron runtime (first launch only)…')
  const installer = join(dirname(require.resolve('electron/package.json')), 'install.js')
  return spawnSync(process.execPath, [installer], { stdio: 'inherit', cwd: root }).status === 0
}

let binary = electronBinary()
if (!binary && fetchElectron()) binary = electronBinary()
if (!binary) {
  console.error(
    '\nThe Electron runtime is not available on this machine, so the desktop window cannot open.\n' +
      'Run Tokenscope in your browser instead:\n\n    npm run serve\n',
  )
  process.exit(1)
}

const build = spawnSync(process.execPath, [packageBin('electron-vite'), 'build'], {
  stdio: 'inherit',
  cwd: root,
})
if (build.status !== 0) process.exit(build.status ?? 1)
const app = spawn(binary, ['.'], { stdio: 'inherit', cwd: root })
app.on('exit', (code) => process.exit(code ?? 0))
