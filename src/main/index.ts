import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, shell, type IpcMainEvent } from 'electron'
import { electronRpcChannel as rpcChannel } from '../shared/bridge'
import type { AppService, EngineEvents } from '../shared/contract'
import { serveEngine, type EngineServer } from '../shared/rpc'
import { electronEngineLauncher } from './electron-engine-launcher'
import { EngineSupervisor } from './host/engine-supervisor'
import { composeAppService } from './host/app-service'
import { isClientRpcMessage } from './host/client-messages'
import { trackClientRuns } from './host/client-runs'
import { createModelFiles } from './host/model-files'
import { createSessionStore } from './host/session-store'

const here = dirname(fileURLToPath(import.meta.url))
const resourcesDir = app.isPackaged
  ? join(process.resourcesPath, 'resources')
  : join(here, '../../resources')

let window: BrowserWindow | null = null
let server: EngineServer<AppService> | null = null
const events: EngineEvents = {
  onRunEvent: (event) => void server?.onRunEvent(event),
  onStatus: (status) => void server?.onStatus(status),
  onDownload: (progress) => void server?.onDownload(progress),
}
const supervisor = new EngineSupervisor(
  electronEngineLauncher(join(here, 'engine.js'), resourcesDir),
  events,
)

const sessions = createSessionStore({
  directory: join(app.getPath('userData'), 'sessions'),
  log: (line) => console.log(`[tokenscope] ${line}`),
})
const modelFiles = createModelFiles(app.getPath('userData'), events.onDownload)
// Composed once: it records runs into sessions for as long as the app runs, whatever the window.
const appService = composeAppService(supervisor, sessions, modelFiles, (line) =>
  console.log(`[tokenscope] ${line}`),
)

/** Only our own page may talk to the engine; a navigated-away or embedded frame may not. */
function isTrustedSender(event: IpcMainEvent): boolean {
  const url = event.senderFrame?.url ?? ''
  const devUrl = process.env.ELECTRON_RENDERER_URL
  return (
    window !== null &&
    event.sender === window.webContents &&
    (url.startsWith('file://') || (devUrl !== undefined && url.startsWith(devUrl)))
  )
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    title: 'Tokenscope',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  window.once('ready-to-show', () => window?.show())
  // Links open in the user's browser, never inside the app; only https, since a reply's links
  // are written by the model and another scheme could start any program.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isHttps(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())

  const target = window.webContents
  const owned = trackClientRuns({
    ...appService,
    pickModelFile: async () => {
      const options = {
        filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
        properties: ['openFile' as const],
      }
      const picked = window
        ? await dialog.showOpenDialog(window, options)
        : await dialog.showOpenDialog(options)
      return picked.canceled ? null : (picked.filePaths[0] ?? null)
    },
  })
  const listeners = new Set<(message: unknown) => void>()
  // birpc throws on a message that is not one of its own (asynchronously, out of reach of any
  // caller), so one malformed message is dropped here instead.
  const onMessage = (event: IpcMainEvent, message: unknown) => {
    try {
      if (!isTrustedSender(event)) return
      if (isClientRpcMessage(message)) listeners.forEach((l) => l(message))
      else console.warn('[tokenscope] ignored a malformed message from the window')
    } catch (error) {
      console.error('[tokenscope] failed to handle a message from the window:', error)
    }
  }
  ipcMain.on(rpcChannel, onMessage)
  server = serveEngine(
    {
      post: (message) => {
        if (!target.isDestroyed()) target.send(rpcChannel, message)
      },
      on: (listener) => listeners.add(listener),
      off: (listener) => listeners.delete(listener),
    },
    owned.service,
  )
  window.on('closed', () => {
    ipcMain.off(rpcChannel, onMessage)
    server?.$close()
    server = null
    owned.cancelAll()
    window = null
  })

  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl) void window.loadURL(devUrl)
  else void window.loadFile(join(here, '../renderer/index.html'))
}

void app.whenReady().then(() => {
  supervisor.start()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
let sessionsClosed = false
app.on('before-quit', (event) => {
  supervisor.stop()
  // The last recorded tokens are written before the app goes.
  if (sessionsClosed) return
  event.preventDefault()
  void sessions
    .close()
    .catch(() => undefined)
    .finally(() => {
      sessionsClosed = true
      app.quit()
    })
})

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}
