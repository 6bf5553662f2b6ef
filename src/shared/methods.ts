import type { ApiServerService } from './api-server'
import type { EngineControlService, EngineEvents, EngineService } from './contract'
import type { ModelFilesService } from './downloads'
import type { RemoteEngineService } from './remote'
import type { SessionService } from './sessions'

/*
 * Every method of every service, by name. Each list is checked against its interface: a method
 * missing here, or a name here that the interface lacks, fails to compile. Only types are
 * imported, so this module (and the preload that reads it) loads no schema code.
 */

const engine = {
  getStatus: true,
  loadModel: true,
  unloadModel: true,
  prepareChat: true,
  inspectModel: true,
  scanModels: true,
  getHardware: true,
  tokenize: true,
  tokenizeWith: true,
  generate: true,
  generateMany: true,
  score: true,
  influence: true,
  exactEntropy: true,
  cancel: true,
  embed: true,
  readTokenEmbeddings: true,
} as const satisfies Record<keyof EngineService, true>

const engineControl = {
  restartEngine: true,
  loadRunCandidates: true,
} as const satisfies Record<keyof EngineControlService, true>

const sessions = {
  listSessions: true,
  loadSession: true,
  loadSessionOutline: true,
  loadSessionPage: true,
  updateSession: true,
  deleteSession: true,
  restoreSession: true,
  storageProblems: true,
  searchSessions: true,
} as const satisfies Record<keyof SessionService, true>

const modelFiles = {
  startDownload: true,
  cancelDownload: true,
  removeDownload: true,
  listDownloads: true,
  suggestedModels: true,
  modelsFolder: true,
  recentModels: true,
  pickModelFile: true,
  usePath: true,
} as const satisfies Record<keyof ModelFilesService, true>

const apiServer = {
  getApiServer: true,
  setApiServer: true,
  renewApiKey: true,
} as const satisfies Record<keyof ApiServerService, true>

const remoteEngines = {
  listRemoteEndpoints: true,
  addRemoteEndpoint: true,
  removeRemoteEndpoint: true,
  listRemoteModels: true,
} as const satisfies Record<keyof RemoteEngineService, true>

const names = <S>(methods: Record<keyof S, true>) => Object.keys(methods) as (keyof S & string)[]

export const engineMethodNames = names<EngineService>(engine)
export const engineControlMethodNames = names<EngineControlService>(engineControl)
export const sessionMethodNames = names<SessionService>(sessions)
export const modelFilesMethodNames = names<ModelFilesService>(modelFiles)
export const apiServerMethodNames = names<ApiServerService>(apiServer)
export const remoteEngineMethodNames = names<RemoteEngineService>(remoteEngines)

/** Everything the UI can call on its host (`AppService`). */
export const appMethodNames = [
  ...engineMethodNames,
  ...engineControlMethodNames,
  ...sessionMethodNames,
  ...modelFilesMethodNames,
  ...apiServerMethodNames,
  ...remoteEngineMethodNames,
]

const events = {
  onRunEvent: true,
  onStatus: true,
  onDownload: true,
} as const satisfies Record<keyof EngineEvents, true>

/** What the engine (or host) pushes to its clients unasked. */
export const engineEventNames = names<EngineEvents>(events)
