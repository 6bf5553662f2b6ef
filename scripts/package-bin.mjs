import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/**
 * The path of a package's command-line script, from its package.json `bin`: packages with an
 * `exports` map (electron-vite 6) refuse `require.resolve('pkg/bin/...')`.
 */
export function packageBin(name) {
  const manifest = require.resolve(`${name}/package.json`)
  const { bin } = require(manifest)
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name])
}
