import type { DownloadProgress, RecentModel, SuggestedModel } from '../../../../shared/downloads'
import type { AppError } from '../../../../shared/errors'
import type { HardwareInfo, ModelInspection, ScannedModel } from '../../../../shared/models'
import type { ModelSource } from '../../../../shared/schemas'
import type { OpenNotice } from './model-drop'

/** The hardware panel's knobs, as the engine takes them (0 = let the engine decide). */
export interface LoadOptionsValue {
  contextSize: number
  gpuLayers: 'auto' | 'max' | number
  threads: number
  batchSize: number
}

export const defaultLoadOptions: LoadOptionsValue = {
  contextSize: 0,
  gpuLayers: 'auto',
  threads: 0,
  batchSize: 0,
}

type Status = 'idle' | 'busy' | 'ready' | 'failed'

export interface ModelsState {
  options: LoadOptionsValue
  /** The Open panel's path field; kept here so drops and the file dialog can fill it. */
  pathDraft: string
  /** Why the last drop or file dialog opened nothing; cleared when a model is chosen. */
  openNotice: OpenNotice | null
  selected: ModelSource | null
  /** Which source and options the inspection on screen (or in flight) belongs to. */
  inspectionKey: string | null
  inspectionStatus: Status
  inspection: ModelInspection | null
  inspectionError: AppError | null
  /** What the folder field shows; null until the host said where the models folder is. */
  folder: string | null
  scanStatus: Status
  scannedFolder: string | null
  scanned: ScannedModel[]
  scanError: AppError | null
  recent: RecentModel[] | null
  hardware: HardwareInfo | null
  hardwareError: AppError | null
  /** Newest first. */
  downloads: DownloadProgress[]
  downloadError: AppError | null
  suggested: SuggestedModel[] | null
  /** The load this view asked for. `too-large`: refused by the fit check, can be forced. */
  loadStatus: 'idle' | 'loading' | 'failed' | 'too-large'
  loadSource: ModelSource | null
  loadError: AppError | null
  unloading: boolean
}

export const initialModelsState: ModelsState = {
  options: defaultLoadOptions,
  pathDraft: '',
  openNotice: null,
  selected: null,
  inspectionKey: null,
  inspectionStatus: 'idle',
  inspection: null,
  inspectionError: null,
  folder: null,
  scanStatus: 'idle',
  scannedFolder: null,
  scanned: [],
  scanError: null,
  recent: null,
  hardware: null,
  hardwareError: null,
  downloads: [],
  downloadError: null,
  suggested: null,
  loadStatus: 'idle',
  loadSource: null,
  loadError: null,
  unloading: false,
}

export type ModelsAction =
  | { type: 'optionsChanged'; options: Partial<LoadOptionsValue> }
  | { type: 'selected'; source: ModelSource }
  | { type: 'pathTyped'; path: string }
  | { type: 'openNotice'; notice: OpenNotice | null }
  | { type: 'inspectStarted'; key: string }
  | { type: 'inspected'; key: string; inspection: ModelInspection }
  | { type: 'inspectFailed'; key: string; error: AppError }
  | { type: 'folderTyped'; folder: string }
  | { type: 'scanStarted'; folder: string }
  | { type: 'scanned'; folder: string; models: ScannedModel[] }
  | { type: 'scanFailed'; folder: string; error: AppError }
  | { type: 'recent'; models: RecentModel[] }
  | { type: 'hardware'; hardware: HardwareInfo }
  | { type: 'hardwareFailed'; error: AppError }
  | { type: 'downloads'; downloads: DownloadProgress[] }
  | { type: 'download'; progress: DownloadProgress }
  | { type: 'downloadRequested' }
  | { type: 'downloadRemoved'; id: string }
  | { type: 'downloadRequestFailed'; error: AppError }
  | { type: 'suggested'; models: SuggestedModel[] }
  | { type: 'loadStarted'; source: ModelSource }
  | { type: 'loadFinished' }
  | { type: 'loadFailed'; error: AppError }
  | { type: 'loadDismissed' }
  | { type: 'unloadStarted' }
  | { type: 'unloadFinished' }
  | { type: 'unloadFailed'; error: AppError }

/** The engine's answer when a load would not fit in memory; the lead adds it to ErrorCode. */
export const tooLargeCode = 'model-too-large'

export function isTooLarge(error: AppError): boolean {
  return (error.code as string) === tooLargeCode
}

export function sourceKey(source: ModelSource): string {
  return source.kind === 'demo' ? 'demo' : `file:${source.path}`
}

export function sameSource(a: ModelSource | null, b: ModelSource | null): boolean {
  return a !== null && b !== null && sourceKey(a) === sourceKey(b)
}

/** One inspection per source and set of options: a change of either asks again. */
export function inspectionKey(source: ModelSource, options: LoadOptionsValue): string {
  const { contextSize, gpuLayers, threads, batchSize } = options
  return `${sourceKey(source)}|${contextSize}|${gpuLayers}|${threads}|${batchSize}`
}

export function modelsReducer(state: ModelsState, action: ModelsAction): ModelsState {
  switch (action.type) {
    case 'optionsChanged':
      return { ...state, options: { ...state.options, ...action.options } }
    case 'selected':
      if (sameSource(state.selected, action.source)) {
        return state.openNotice ? { ...state, openNotice: null } : state
      }
      return {
        ...state,
        selected: action.source,
        openNotice: null,
        inspection: null,
        inspectionError: null,
        inspectionStatus: 'idle',
        inspectionKey: null,
        // A refusal belongs to the model it was about.
        ...(state.loadStatus === 'too-large' || state.loadStatus === 'failed'
          ? { loadStatus: 'idle' as const, loadError: null }
          : {}),
      }
    case 'pathTyped':
      return { ...state, pathDraft: action.path }
    case 'openNotice':
      return { ...state, openNotice: action.notice }
    case 'inspectStarted':
      return { ...state, inspectionKey: action.key, inspectionStatus: 'busy' }
    case 'inspected':
      if (action.key !== state.inspectionKey) return state
      return {
        ...state,
        inspectionStatus: 'ready',
        inspection: action.inspection,
        inspectionError: null,
      }
    case 'inspectFailed':
      if (action.key !== state.inspectionKey) return state
      return {
        ...state,
        inspectionStatus: 'failed',
        inspection: null,
        inspectionError: action.error,
      }
    case 'folderTyped':
      return { ...state, folder: action.folder }
    case 'scanStarted':
      return {
        ...state,
        folder: state.folder ?? action.folder,
        scanStatus: 'busy',
        scannedFolder: action.folder,
      }
    case 'scanned':
      if (action.folder !== state.scannedFolder) return state
      return { ...state, scanStatus: 'ready', scanned: action.models, scanError: null }
    case 'scanFailed':
      // Before any scan, the failure is the host's: it could not say where the folder is.
      if (state.scannedFolder !== null && action.folder !== state.scannedFolder) return state
      return {
        ...state,
        folder: state.folder ?? '',
        scanStatus: 'failed',
        scanned: [],
        scanError: action.error,
      }
    case 'recent':
      return { ...state, recent: action.models }
    case 'hardware':
      return { ...state, hardware: action.hardware, hardwareError: null }
    case 'hardwareFailed':
      return { ...state, hardwareError: action.error }
    case 'downloads':
      return { ...state, downloads: mergeDownloads(action.downloads, state.downloads) }
    case 'download':
      return action.progress.removed
        ? { ...state, downloads: state.downloads.filter((d) => d.id !== action.progress.id) }
        : { ...state, downloads: upsertDownload(state.downloads, action.progress) }
    case 'downloadRemoved':
      return { ...state, downloads: state.downloads.filter((d) => d.id !== action.id) }
    case 'downloadRequested':
      return state.downloadError ? { ...state, downloadError: null } : state
    case 'downloadRequestFailed':
      return { ...state, downloadError: action.error }
    case 'suggested':
      return { ...state, suggested: action.models }
    case 'loadStarted':
      return { ...state, loadStatus: 'loading', loadSource: action.source, loadError: null }
    case 'loadFinished':
      return { ...state, loadStatus: 'idle', loadError: null }
    case 'loadFailed':
      return {
        ...state,
        loadStatus: isTooLarge(action.error) ? 'too-large' : 'failed',
        loadError: action.error,
      }
    case 'loadDismissed':
      return { ...state, loadStatus: 'idle', loadError: null }
    case 'unloadStarted':
      return { ...state, unloading: true, loadError: null, loadStatus: 'idle' }
    case 'unloadFinished':
      return { ...state, unloading: false }
    case 'unloadFailed':
      return { ...state, unloading: false, loadStatus: 'failed', loadError: action.error }
  }
}

/** Replaces or adds one download; a new one goes first. */
export function upsertDownload(
  downloads: DownloadProgress[],
  progress: DownloadProgress,
): DownloadProgress[] {
  const index = downloads.findIndex((d) => d.id === progress.id)
  if (index < 0) {
    // A retry of a failed or cancelled download replaces it in the list.
    const rest = downloads.filter(
      (d) => d.path !== progress.path || d.state === 'downloading' || d.state === 'done',
    )
    return [progress, ...rest]
  }
  return downloads.map((d, i) => (i === index ? progress : d))
}

/** Of two reports of one download, the later: a finished state, else the one further along. */
function later(a: DownloadProgress, b: DownloadProgress): DownloadProgress {
  if (a.state !== 'downloading' && b.state === 'downloading') return a
  if (b.state !== 'downloading' && a.state === 'downloading') return b
  return b.receivedBytes >= a.receivedBytes ? b : a
}

/** The host's list plus what events told us while it was on its way. */
export function mergeDownloads(
  listed: DownloadProgress[],
  known: DownloadProgress[],
): DownloadProgress[] {
  const merged = listed.map((entry) => {
    const seen = known.find((k) => k.id === entry.id)
    return seen ? later(entry, seen) : entry
  })
  const fresh = known.filter((k) => !listed.some((entry) => entry.id === k.id))
  return [...fresh, ...merged]
}

/** Whether the loaded model is this source: the demo, or the file at the same path. */
export function isLoadedSource(
  source: ModelSource,
  loaded: { isDemo: boolean; path: string } | null,
): boolean {
  if (!loaded) return false
  if (source.kind === 'demo') return loaded.isDemo
  return !loaded.isDemo && loaded.path === source.path
}
