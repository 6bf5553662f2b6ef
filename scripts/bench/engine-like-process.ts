/**
 * Imported first by the scripts that run llama.cpp in their own process: they run it with the
 * engine process's libuv pool of one thread (host/engine-environment.ts), so that their figures
 * are the engine's. libuv reads the pool size once, before a script's own code runs, so a process
 * started without it starts itself again with it. A value the user set is kept.
 */
import { spawnSync } from 'node:child_process'

/** processes.ts' hostEnvironment takes the pool size set here off again for serve hosts. */
const marker = 'TOKENSCOPE_BENCH_POOL'

if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: '1', [marker]: '1' },
  })
  process.exit(again.status ?? 1)
}
