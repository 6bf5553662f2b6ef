import { fork } from 'node:child_process'
import { engineEnvironment } from './engine-environment'
import type { EngineLauncher } from './engine-supervisor'

/** Starts the engine with Node's child_process (serve mode and tests). */
export function nodeEngineLauncher(
  enginePath: string,
  log: (line: string) => void,
): EngineLauncher {
  return () => {
    const child = fork(enginePath, [], {
      // Linux shares the CPU between sessions before it weighs the threads inside them: in a
      // session of its own the engine can lower its whole group below the browser's (see
      // engine-priority.ts). Elsewhere a detached child would get a console window of its own.
      detached: process.platform === 'linux',
      serialization: 'advanced',
      env: engineEnvironment(process.env),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    log(`engine started (pid ${child.pid ?? '?'})`)
    return {
      channel: {
        post: (message) => {
          if (child.connected) child.send(message as never)
        },
        on: (listener) => child.on('message', listener),
        off: (listener) => child.off('message', listener),
      },
      onExit: (listener) =>
        child.on('exit', (code, signal) =>
          listener(signal ? `signal ${signal}` : `exit code ${code}`),
        ),
      kill: () => child.kill('SIGKILL'),
    }
  }
}
