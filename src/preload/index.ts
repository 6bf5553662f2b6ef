import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { createEngineBridge, electronRpcChannel } from '../shared/bridge'
import { appMethodNames } from '../shared/methods'

// The page gets the engine contract and nothing else: no ipcRenderer, no Node.
const bridge = createEngineBridge({
  post: (message) => ipcRenderer.send(electronRpcChannel, message),
  on: (listener) =>
    ipcRenderer.on(electronRpcChannel, (_event, message: unknown) => listener(message)),
})

// Only the contract's methods are copied over: `close` and the RPC internals stay here.
const exposed = Object.fromEntries(appMethodNames.map((name) => [name, bridge[name]]))
contextBridge.exposeInMainWorld('tokenscope', { ...exposed, subscribe: bridge.subscribe })

// Desktop only: the path of a file dropped on the window (browsers never reveal paths).
contextBridge.exposeInMainWorld('tokenscopeDesktop', {
  pathForFile: (file: File) => webUtils.getPathForFile(file),
})
