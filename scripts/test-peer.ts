/**
 * `npm run test:peer`: the remote-engine tests against a real llama.cpp `llama-server` (built by
 * `npm run peer:build`) instead of Tokenscope's own API, which `npm test` uses.
 */
import { spawnSync } from 'node:child_process'
import { isPeerBuilt, llamaServerPath } from '../tests/helpers/llama-server'

if (!isPeerBuilt()) {
  console.error(
    `[test:peer] llama-server is not built (${llamaServerPath()} is missing), so the peer tests ` +
      'cannot run. Build it once with `npm run peer:build` (tens of minutes on two cores).',
  )
  process.exit(1)
}
const result = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'e2e', 'tests/e2e/remote-engine.test.ts'],
  { stdio: 'inherit', env: { ...process.env, TOKENSCOPE_PEER: 'llama-server' } },
)
process.exit(result.status ?? 1)
