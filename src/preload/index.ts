import { contextBridge, ipcRenderer } from 'electron'
import { createEngineBridge, electronRpcChannel } from '../shared/bridge'

// The page gets the engine contract and nothing else: no ipcRenderer, no Node.
const bridge = createEngineBridge({
  post: (message) => ipcRenderer.send(electronRpcChannel, message),
  on: (listener) =>
    ipcRenderer.on(electronRpcChannel, (_event, message: unknown) => listener(message)),
})

contextBridge.exposeInMainWorld('tokenscope', {
  getStatus: bridge.getStatus,
  loadModel: bridge.loadModel,
  tokenize: bridge.tokenize,
  generate: bridge.generate,
  cancel: bridge.cancel,
  subscribe: bridge.subscribe,
})
