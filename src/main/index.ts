import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  screen,
  session,
  shell,
  type IpcMainEvent,
} from 'electron'
import { electronRpcChannel as rpcChannel } from '../shared/bridge'
import type { AppService, EngineEvents } from '../shared/contract'
import { serveEngine, type EngineServer } from '../shared/rpc'
import { applicationMenu } from './desktop/app-menu'
import {
  appPageUrl,
  appProtocolHandler,
  appScheme,
  appSchemePrivileges,
  isAppPage,
} from './desktop/app-protocol'
import { chooseDataFolder, moveLegacyDataFolder } from './desktop/data-folder'
import { guardAllContents } from './desktop/contents-guard'
import { ipcMessageReceiver } from './desktop/ipc-receiver'
import { denyAllPermissions } from './desktop/permissions'
import { cancelRunsWithPage } from './desktop/run-cancelling'
import { holdSingleInstance } from './desktop/single-instance'
import { loadWindowState, minimumSize, saveWindowState } from './desktop/window-state'
import { electronEngineLauncher } from './electron-engine-launcher'
import { EngineSupervisor } from './host/engine-supervisor'
import { composeAppService } from './host/app-service'
import { createRemoteEngines } from './remote/remote-engines'
import { createApiControl } from './api/api-control'
import { trackClientRuns } from './host/client-runs'
import { defaultDataDirectory } from './host/data-directory'
import { createModelFiles } from './host/model-files'
import { createSessionStore } from './host/session-store'
import { contentSecurityPolicy } from './util/content-security'
import { resourcesDirectory } from './util/resource-paths'

const here = dirname(fileURLToPath(import.meta.url))
const rendererDir = join(here, '../renderer')
const log = (line: string) => console.log(`[tokenscope] ${line}`)
// A packaged app never lets the environment point its trusted window at another page.
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL

// One data folder with `serve`, chosen before anything (Electron's own storage and its
// single-instance lock included) uses it.
const platformFolder = defaultDataDirectory()
const dataFolder = chooseDataFolder(process.argv, process.env, platformFolder)
if (dataFolder === platformFolder) {
  const legacy = moveLegacyDataFolder(dataFolder)
  if (legacy.moved) log(`moved the data folder ${legacy.from} to ${dataFolder}`)
  else if (legacy.reason === 'failed') log(`could not move ${legacy.from}: ${legacy.error}`)
}
app.setPath('userData', dataFolder)

let window: BrowserWindow | null = null
if (holdSingleInstance(app, () => window)) startApp()

function startApp(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: appSchemePrivileges }])

  let server: EngineServer<AppService> | null = null
  const events: EngineEvents = {
    onRunEvent: (event) => void server?.onRunEvent(event),
    onStatus: (status) => void server?.onStatus(status),
    onDownload: (progress) => void server?.onDownload(progress),
  }
  const resourcesDir = resourcesDirectory({
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    repoRoot: join(here, '../..'),
  })
  const supervisor = new EngineSupervisor(
    electronEngineLauncher(join(here, 'engine.js'), resourcesDir),
    events,
  )
  const sessions = createSessionStore({ directory: join(dataFolder, 'sessions'), log })
  const modelFiles = createModelFiles(dataFolder, events.onDownload)
  // Composed once: it records runs into sessions for as long as the app runs, whatever the window.
  const apiControl = createApiControl({
    dataDirectory: dataFolder,
    service: () => appService,
    observe: (observer) => supervisor.observeRunEvents(observer),
    observeStatus: (observer) => supervisor.observeStatus(observer),
    log,
  })
  const remote = createRemoteEngines({
    dataDirectory: dataFolder,
    log,
    emit: (event) => supervisor.emitRunEvent(event),
  })
  const appService = composeAppService(supervisor, sessions, modelFiles, log, apiControl, remote)
  // The API comes back on if the user left it on (Models → Server).
  void apiControl.restore()
  const windowStateFile = join(dataFolder, 'window-state.json')
  const openExternal = (url: string) => void shell.openExternal(url)

  /** Only our own page may talk to the engine; a navigated-away or embedded frame may not. */
  const isTrustedSender = (event: IpcMainEvent) =>
    window !== null &&
    event.sender === window.webContents &&
    isAppPage(event.senderFrame?.url ?? '', devUrl)

  function createWindow(): void {
    const saved = loadWindowState(
      windowStateFile,
      screen.getAllDisplays().map((display) => display.workArea),
    )
    const current = new BrowserWindow({
      width: saved.width,
      height: saved.height,
      x: saved.x,
      y: saved.y,
      minWidth: minimumSize.width,
      minHeight: minimumSize.height,
      title: 'Tokenscope',
      show: false,
      webPreferences: {
        preload: join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webviewTag: false,
      },
    })
    window = current
    if (saved.maximized) current.maximize()
    current.once('ready-to-show', () => current.show())
    current.on('close', () => {
      try {
        saveWindowState(windowStateFile, {
          ...current.getNormalBounds(),
          maximized: current.isMaximized(),
        })
      } catch (error) {
        log(`could not remember the window's size: ${error}`)
      }
    })

    const target = current.webContents
    const owned = trackClientRuns({
      ...appService,
      pickModelFile: async () => {
        const picked = await dialog.showOpenDialog(current, {
          filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
          properties: ['openFile'],
        })
        const path = picked.canceled ? null : (picked.filePaths[0] ?? null)
        // Picked in the system's own dialog: the user chose it, whatever the page asks next.
        if (path !== null) modelFiles.access.allow(path, 'file')
        return path
      },
    })
    cancelRunsWithPage(target, owned)
    const listeners = new Set<(message: unknown) => void>()
    const onMessage = ipcMessageReceiver({
      isTrustedSender,
      deliver: (message) => listeners.forEach((l) => l(message)),
      warn: (line) => console.warn(`[tokenscope] ${line}`),
    })
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
    current.on('closed', () => {
      ipcMain.off(rpcChannel, onMessage)
      server?.$close()
      server = null
      owned.cancelAll()
      window = null
    })
    void current.loadURL(devUrl ?? appPageUrl)
  }

  // Every page, the window's and any created later: no pop-ups, no navigation away, no <webview>.
  guardAllContents(app, { isAppPage: (url) => isAppPage(url, devUrl), openExternal })

  void app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession)
    protocol.handle(
      appScheme,
      appProtocolHandler(rendererDir, (path) => net.fetch(pathToFileURL(path).toString()), {
        'Content-Security-Policy': contentSecurityPolicy({ kind: 'desktop' }),
      }),
    )
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        applicationMenu({ platform: process.platform, developer: !app.isPackaged, openExternal }),
      ),
    )
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
    remote.close()
    supervisor.stop()
    // The last recorded tokens are written before the app goes.
    if (sessionsClosed) return
    event.preventDefault()
    void Promise.all([apiControl.close(), sessions.close()])
      .catch(() => undefined)
      .finally(() => {
        sessionsClosed = true
        app.quit()
      })
  })
}
