import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EngineEvents } from '../../shared/contract'
import { serveEngine, type MessageChannelLike } from '../../shared/rpc'
import { demoModelPath } from '../util/resource-paths'
import { lowerEnginePriority } from './engine-priority'
import { createEngineService } from './engine-service'

/**
 * Entry of the engine process. It speaks the contract over its parent channel: Electron's
 * `process.parentPort` under utilityProcess, Node's `process.send` under child_process.fork.
 */
function parentChannel(): MessageChannelLike {
  const parentPort = (process as { parentPort?: ElectronParentPort }).parentPort
  if (parentPort) {
    return {
      post: (message) => parentPort.postMessage(message),
      on: (listener) => parentPort.on('message', (event) => listener(event.data)),
    }
  }
  if (!process.send) throw new Error('The engine must be started by a host (no IPC channel).')
  return {
    post: (message) => process.send?.(message),
    on: (listener) => process.on('message', listener),
  }
}

interface ElectronParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

const resourcesDir =
  process.env.TOKENSCOPE_RESOURCES ??
  join(dirname(fileURLToPath(import.meta.url)), '../../resources')

// First, while the process has only Node's own threads: the ones started later inherit it.
const priority = lowerEnginePriority()
let events: EngineEvents | null = null
const service = createEngineService({
  demoModelPath: demoModelPath(resourcesDir),
  priority,
  events: () => {
    if (!events) throw new Error('engine events used before the channel opened')
    return events
  },
})
events = serveEngine(parentChannel(), service)

// The host going away means nobody is left to serve.
process.on('disconnect', () => process.exit(0))
