import { utilityProcess } from 'electron'
import { engineEnvironment } from './host/engine-environment'
import type { EngineLauncher } from './host/engine-supervisor'

/** Starts the engine as an Electron utility process: a crash there cannot take the window down. */
export function electronEngineLauncher(enginePath: string, resourcesDir: string): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(enginePath, [], {
      serviceName: 'Tokenscope engine',
      stdio: 'inherit',
      env: { ...engineEnvironment(process.env), TOKENSCOPE_RESOURCES: resourcesDir },
    })
    return {
      channel: {
        post: (message) => child.postMessage(message),
        on: (listener) => child.on('message', listener),
        off: (listener) => child.off('message', listener),
      },
      onExit: (listener) => child.on('exit', (code) => listener(`exit code ${code}`)),
      kill: () => void child.kill(),
    }
  }
}
