import { toAppError, type AppError } from '../../../../shared/errors'
import type { ModelSource } from '../../../../shared/schemas'
import { getConnection } from '../../services/engine-connection'
import { createStore } from '../../stores/store'
import { engineStore } from '../../stores/stores'
import { dialogNotice, droppedModelPath } from './model-drop'
import {
  initialModelsState,
  inspectionKey,
  modelsReducer,
  sameSource,
  type LoadOptionsValue,
} from './models-reducer'

/** The Models tab's state; module-level so it survives switching tabs. */
export const modelsStore = createStore(modelsReducer, initialModelsState)

const bridge = () => getConnection().bridge
const dispatch = modelsStore.dispatch

/** Typing in an option field asks for a new fit only once the typing pauses. */
const inspectDelayMs = 300
let inspectTimer: ReturnType<typeof setTimeout> | null = null

export function selectSource(source: ModelSource): void {
  dispatch({ type: 'selected', source })
  inspectSelected()
}

export function setPathDraft(path: string): void {
  dispatch({ type: 'pathTyped', path })
}

/**
 * Tells the host that the user chose this path (typed, picked or dropped): its file-path methods
 * refuse paths outside the models folder that nobody chose. A failure shows on the next call.
 */
function choosePath(path: string, kind: 'file' | 'folder'): Promise<void> {
  return bridge()
    .usePath({ path, kind })
    .catch(() => undefined)
}

/** Selects a model file whose path the user typed, picked or dropped. */
export function selectTypedPath(path: string): void {
  dispatch({ type: 'selected', source: { kind: 'file', path } })
  void choosePath(path, 'file').then(inspectSelected)
}

/** Opens the card of a model file, showing its path in the path field as if typed. */
export function openModelPath(path: string): void {
  dispatch({ type: 'pathTyped', path })
  selectTypedPath(path)
}

export function dismissOpenNotice(): void {
  dispatch({ type: 'openNotice', notice: null })
}

/** The desktop app's helpers; absent in browser mode. */
export function desktopHelpers(): Window['tokenscopeDesktop'] | null {
  return typeof window === 'undefined' ? null : (window.tokenscopeDesktop ?? null)
}

/** Opens a dropped .gguf (desktop), or says why it cannot (browser mode, other files). */
export function openDroppedFiles(files: readonly File[]): void {
  const desktop = desktopHelpers()
  const result = droppedModelPath(files, desktop ? (file) => desktop.pathForFile(file) : null)
  if ('path' in result) openModelPath(result.path)
  else dispatch({ type: 'openNotice', notice: result.notice })
}

/** Shows the system file dialog (desktop); the picked file opens, a cancel changes nothing. */
export async function browseForModel(): Promise<void> {
  try {
    const path = await bridge().pickModelFile()
    if (path !== null) openModelPath(path)
  } catch (error: unknown) {
    const { message, hint } = toAppError(error)
    dispatch({ type: 'openNotice', notice: dialogNotice(message, hint) })
  }
}

/** Reads the selected model's card and fit for the current options, unless already on screen. */
export function inspectSelected(): void {
  const { selected, options, inspectionKey: current, inspectionStatus } = modelsStore.getState()
  if (!selected) return
  const key = inspectionKey(selected, options)
  if (key === current && inspectionStatus !== 'failed') return
  dispatch({ type: 'inspectStarted', key })
  bridge()
    .inspectModel({ source: selected, ...options })
    .then((inspection) => dispatch({ type: 'inspected', key, inspection }))
    .catch((error: unknown) => dispatch({ type: 'inspectFailed', key, error: toAppError(error) }))
}

export function setLoadOptions(options: Partial<LoadOptionsValue>): void {
  dispatch({ type: 'optionsChanged', options })
  if (inspectTimer) clearTimeout(inspectTimer)
  inspectTimer = setTimeout(() => {
    inspectTimer = null
    inspectSelected()
  }, inspectDelayMs)
}

export function setFolder(folder: string): void {
  dispatch({ type: 'folderTyped', folder })
}

export function scanFolder(folder = modelsStore.getState().folder ?? ''): void {
  const trimmed = folder.trim()
  if (trimmed === '') return
  dispatch({ type: 'scanStarted', folder: trimmed })
  void choosePath(trimmed, 'folder')
    .then(() => bridge().scanModels({ folder: trimmed }))
    .then((models) => dispatch({ type: 'scanned', folder: trimmed, models }))
    .catch((error: unknown) =>
      dispatch({ type: 'scanFailed', folder: trimmed, error: toAppError(error) }),
    )
}

export function refreshRecent(): void {
  bridge()
    .recentModels()
    .then((models) => dispatch({ type: 'recent', models }))
    .catch(() => dispatch({ type: 'recent', models: [] }))
}

export function refreshHardware(): void {
  bridge()
    .getHardware()
    .then((hardware) => dispatch({ type: 'hardware', hardware }))
    .catch((error: unknown) => dispatch({ type: 'hardwareFailed', error: toAppError(error) }))
}

/** Loads the selected model with the panel's options; `force` overrides the fit check. */
export function loadSelected(force = false): void {
  const { selected, options, loadStatus } = modelsStore.getState()
  if (!selected || loadStatus === 'loading') return
  dispatch({ type: 'loadStarted', source: selected })
  bridge()
    .loadModel({ source: selected, ...options, force })
    .then(() => {
      dispatch({ type: 'loadFinished' })
      refreshRecent()
      refreshHardware()
    })
    .catch((error: unknown) => {
      dispatch({ type: 'loadFailed', error: toAppError(error) })
      refreshHardware()
    })
}

/** Selects a model and loads it straight away (finished downloads, recent models). */
export function loadSource(source: ModelSource): void {
  if (!sameSource(modelsStore.getState().selected, source)) selectSource(source)
  loadSelected()
}

export function dismissLoadError(): void {
  dispatch({ type: 'loadDismissed' })
}

/** Frees the model's memory; the sessions stay with the host. */
export function unloadModel(): void {
  if (modelsStore.getState().unloading) return
  dispatch({ type: 'unloadStarted' })
  bridge()
    .unloadModel()
    .then(() => {
      dispatch({ type: 'unloadFinished' })
      refreshHardware()
    })
    .catch((error: unknown) => dispatch({ type: 'unloadFailed', error: toAppError(error) }))
}

/** `allowLocalHost`: the user confirmed a download from this computer or its network. */
export function startDownload(url: string, allowLocalHost = false): void {
  const trimmed = url.trim()
  if (trimmed === '') return
  dispatch({ type: 'downloadRequested' })
  bridge()
    .startDownload({ url: trimmed, ...(allowLocalHost ? { allowLocalHost } : {}) })
    .then((progress) => dispatch({ type: 'download', progress }))
    .catch((error: unknown) =>
      dispatch({ type: 'downloadRequestFailed', error: toAppError(error) }),
    )
}

export function cancelDownload(id: string): void {
  bridge()
    .cancelDownload({ id })
    .catch((error: unknown) =>
      dispatch({ type: 'downloadRequestFailed', error: toAppError(error) }),
    )
}

/** Forgets a download; an unfinished one's partial file is deleted. */
export function removeDownload(id: string): void {
  bridge()
    .removeDownload({ id })
    .then(() => dispatch({ type: 'downloadRemoved', id }))
    .catch((error: unknown) =>
      dispatch({ type: 'downloadRequestFailed', error: toAppError(error) }),
    )
}

/**
 * Fills the tab when it opens: hardware, recent models, the models folder and its scan,
 * suggestions, downloads; then follows download progress. Returns the unsubscribe.
 */
export function startModelsView(): () => void {
  const b = bridge()
  const off = b.subscribe({
    onDownload: (progress) => {
      const before = modelsStore.getState().downloads.find((d) => d.id === progress.id)
      dispatch({ type: 'download', progress })
      // A finished file joins the folder's list (partial files are never listed).
      if (progress.state === 'done' && before?.state !== 'done') scanFolder()
    },
  })
  // A refused or failed load is explained (with Load anyway) in the Load panel; while it is,
  // the app-wide banner does not repeat the same words.
  const dropRepeatedBanner = () => {
    const banner = engineStore.getState().banner
    const { loadError } = modelsStore.getState()
    if (banner && loadError && sameError(banner, loadError)) {
      engineStore.dispatch({ type: 'errorDismissed' })
    }
  }
  const offEngine = engineStore.subscribe(dropRepeatedBanner)
  const offModels = modelsStore.subscribe(dropRepeatedBanner)
  const state = modelsStore.getState()
  refreshHardware()
  refreshRecent()
  if (state.folder === null) {
    b.modelsFolder()
      .then((folder) => {
        if (modelsStore.getState().folder === null) scanFolder(folder)
      })
      .catch((error: unknown) =>
        dispatch({ type: 'scanFailed', folder: '', error: toAppError(error) }),
      )
  } else {
    scanFolder()
  }
  b.suggestedModels()
    .then((models) => dispatch({ type: 'suggested', models }))
    .catch(() => dispatch({ type: 'suggested', models: [] }))
  b.listDownloads()
    .then((downloads) => dispatch({ type: 'downloads', downloads }))
    .catch(() => undefined)
  if (!state.selected) {
    const loaded = engineStore.getState().status?.model ?? null
    selectSource(!loaded || loaded.isDemo ? { kind: 'demo' } : { kind: 'file', path: loaded.path })
  } else {
    inspectSelected()
  }
  return () => {
    off()
    offEngine()
    offModels()
  }
}

function sameError(a: AppError, b: AppError): boolean {
  return a.code === b.code && a.message === b.message
}

/**
 * Fills the lists of model files the app knows (the models folder's scan, the recent list) for a
 * view outside the Models tab, such as the Tokenizer's comparison; once per page is enough.
 */
export function ensureModelLists(): void {
  const state = modelsStore.getState()
  if (state.recent === null) refreshRecent()
  if (state.scannedFolder !== null) return
  if (state.folder !== null) return scanFolder()
  bridge()
    .modelsFolder()
    .then((folder) => {
      if (modelsStore.getState().scannedFolder === null) scanFolder(folder)
    })
    .catch((error: unknown) =>
      dispatch({ type: 'scanFailed', folder: '', error: toAppError(error) }),
    )
}
