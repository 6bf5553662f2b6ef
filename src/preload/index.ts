import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createEngineBridge, electronRpcChannel } from '../shared/bridge'
import { toAppError } from '../shared/errors'
import { appMethodNames } from '../shared/methods'

// The page gets the engine contract and nothing else: no ipcRenderer, no Node.
const bridge = createEngineBridge({
  post: (message) => ipcRenderer.send(electronRpcChannel, message),
  on: (listener) =>
    ipcRenderer.on(electronRpcChannel, (_event, message: unknown) => listener(message)),
})

// Only the contract's methods are copied over: `close` and the RPC internals stay here. An
// Error crossing the context bridge keeps only its message, so a failure crosses as its AppError.
const exposed = Object.fromEntries(
  appMethodNames.map((name) => [
    name,
    (...args: unknown[]) =>
      (bridge[name] as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
        throw toAppError(error)
      }),
  ]),
)
contextBridge.exposeInMainWorld('tokenscope', { ...exposed, subscribe: bridge.subscribe })

// Desktop only: the path of a file dropped on the window (browsers never reveal paths).
contextBridge.exposeInMainWorld('tokenscopeDesktop', {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
})
