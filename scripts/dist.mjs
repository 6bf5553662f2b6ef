// `npm run dist`: build, then package installers for this platform with electron-builder
// (electron-builder.json): DMG on macOS, NSIS on Windows, AppImage and .deb on Linux, in release/.
// electron-builder downloads the Electron runtime and its packaging tools on first use; where that
// is impossible, this says so in one line instead of leaving a network stack trace as the verdict.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { moduleDir } from './module-dir.mjs'
import { packageBin } from './package-bin.mjs'

const require = createRequire(import.meta.url)
const root = join(moduleDir(import.meta.url), '..')
const node = process.execPath

const build = spawnSync(node, [packageBin('electron-vite'), 'build'], {
  stdio: 'inherit',
  cwd: root,
})
if (build.status !== 0) process.exit(build.status ?? 1)

const builderArgs = ['--config', 'electron-builder.json', '--publish', 'never']
const builder = spawn(
  node,
  [packageBin('electron-builder'), ...builderArgs, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: ['inherit', 'pipe', 'pipe'],
  },
)
let output = ''
for (const [stream, sink] of [
  [builder.stdout, process.stdout],
  [builder.stderr, process.stderr],
]) {
  stream.on('data', (chunk) => {
    output += chunk
    sink.write(chunk)
  })
}
builder.on('exit', (code) => {
  if (code === 0) {
    console.log('\nThe installers are in release/.')
    process.exit(0)
  }
  const offline =
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|unable to download/i
  if (offline.test(output)) {
    const electron = require('electron/package.json').version
    // electron-builder fetches Electron when it starts packaging and its other tools (fpm,
    // appimagetool, NSIS) only once it builds a target.
    const what = /building\s+target=/.test(output)
      ? 'a packaging tool (fpm, appimagetool or NSIS) that it downloads on first use'
      : `the Electron ${electron} runtime for this platform (from github.com)`
    console.error(
      `\nnpm run dist stopped: electron-builder could not download ${what}; this machine cannot ` +
        'reach it. The app was built and the configuration accepted; no installer was written. ' +
        'Run it on a machine with internet access (CI does, on tags).',
    )
  } else {
    console.error(`\nnpm run dist failed: electron-builder exited with code ${code} (see above).`)
  }
  process.exit(code ?? 1)
})
