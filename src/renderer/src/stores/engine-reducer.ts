import type { RunEvent } from '../../../shared/contract'
import type { ComputeBackend, EngineStatus } from '../../../shared/engine-status'
import type { AppError } from '../../../shared/errors'

/** The link to the host, as engine-connection reports it. */
export type LinkState = 'connecting' | 'open' | 'closed'

/** The view that started a run on this page. */
export type RunOwner =
  'completion' | 'chat' | 'compare' | 'score' | 'influence' | 'embeddings' | 'pipeline'

export interface EngineViewState {
  link: LinkState
  /** Whether the link has ever opened: a drop then means "reconnecting", not "refused". */
  everOpened: boolean
  /** Attempts that closed before the link first opened. */
  refusedAttempts: number
  status: EngineStatus | null
  demoLoad: 'idle' | 'loading' | 'failed'
  /** The engine's restart count when the demo model was last requested; one try per engine. */
  demoRequestedAt: number | null
  /** "The engine stopped unexpectedly — restarting…" is showing. */
  crashNotice: boolean
  /** The error banner; null when there is nothing to show or the user dismissed it. */
  banner: AppError | null
  /** A run the engine is busy with that this page did not start (another window's). */
  otherRunId: string | null
  /**
   * Runs this page sent to the engine that have not ended, and which view sent them: the engine
   * does one run (or one batch) at a time, so while one is in flight the other views wait.
   */
  pageRuns: Readonly<Record<string, RunOwner>>
}

export type EngineAction =
  | { type: 'link'; link: LinkState }
  | { type: 'status'; status: EngineStatus }
  | { type: 'demoLoadStarted'; restarts: number }
  | { type: 'demoLoadFinished' }
  | { type: 'demoLoadFailed'; error: AppError }
  | { type: 'errorShown'; error: AppError }
  | { type: 'errorDismissed' }
  | { type: 'runCrashed' }
  | { type: 'otherRunEvent'; event: RunEvent }
  | { type: 'runsRouted'; runIds: readonly string[]; owner: RunOwner }
  | { type: 'runsUnrouted'; runIds: readonly string[] }

export const initialEngineState: EngineViewState = {
  link: 'connecting',
  everOpened: false,
  refusedAttempts: 0,
  status: null,
  demoLoad: 'idle',
  demoRequestedAt: null,
  crashNotice: false,
  banner: null,
  otherRunId: null,
  pageRuns: {},
}

export function engineReducer(state: EngineViewState, action: EngineAction): EngineViewState {
  switch (action.type) {
    case 'link':
      if (action.link === state.link) return state
      if (action.link === 'open')
        return { ...state, link: 'open', everOpened: true, refusedAttempts: 0 }
      // The views give up on their runs when the link drops; what still arrives is nobody's here.
      if (action.link === 'closed' && !state.everOpened) {
        return {
          ...state,
          link: 'closed',
          refusedAttempts: state.refusedAttempts + 1,
          pageRuns: {},
        }
      }
      return {
        ...state,
        link: action.link,
        pageRuns: action.link === 'closed' ? {} : state.pageRuns,
      }
    case 'status':
      return applyStatus(state, action.status)
    case 'demoLoadStarted':
      return { ...state, demoLoad: 'loading', demoRequestedAt: action.restarts }
    case 'demoLoadFinished':
      return { ...state, demoLoad: 'idle' }
    case 'demoLoadFailed':
      return { ...state, demoLoad: 'failed', banner: action.error }
    case 'errorShown':
      if (action.error.code === 'engine-crashed') return { ...state, crashNotice: true }
      return { ...state, banner: action.error }
    case 'errorDismissed':
      return state.banner ? { ...state, banner: null } : state
    case 'runCrashed':
      return { ...state, crashNotice: true }
    case 'otherRunEvent': {
      const { kind, runId } = action.event
      const finished = kind === 'ended' || kind === 'failed'
      if (finished) return state.otherRunId === runId ? { ...state, otherRunId: null } : state
      return state.otherRunId === runId ? state : { ...state, otherRunId: runId }
    }
    case 'runsRouted': {
      if (action.runIds.length === 0) return state
      const pageRuns = { ...state.pageRuns }
      for (const runId of action.runIds) pageRuns[runId] = action.owner
      return { ...state, pageRuns }
    }
    case 'runsUnrouted': {
      const gone = action.runIds.filter((runId) => runId in state.pageRuns)
      if (gone.length === 0) return state
      const pageRuns = { ...state.pageRuns }
      for (const runId of gone) delete pageRuns[runId]
      return { ...state, pageRuns }
    }
  }
}

function applyStatus(state: EngineViewState, status: EngineStatus): EngineViewState {
  const previousError = state.status?.error ?? null
  const newError =
    status.error !== null && !sameError(status.error, previousError) ? status.error : null
  let { crashNotice, banner } = state
  let { otherRunId, pageRuns } = state
  if (status.state === 'crashed') {
    crashNotice = true
    otherRunId = null
  }
  // Runs die with the engine (each also gets a `failed` event, which unroutes it).
  if (status.state === 'crashed' || status.state === 'error') {
    if (Object.keys(pageRuns).length > 0) pageRuns = {}
  }
  // The host reloads the model after a restart; the notice stays until a model is back.
  if (status.state === 'ready' && status.model !== null) crashNotice = false
  if (status.state === 'error') crashNotice = false
  // A crash is told by the engine banner; while restarting it is no error of the user's.
  if (newError && !(newError.code === 'engine-crashed' && status.state === 'crashed')) {
    banner = newError
  }
  // An engine that has had a model in this life was set up by someone: if it is empty later,
  // the user unloaded it on purpose, so the demo is not loaded behind their back.
  const demoRequestedAt = status.model !== null ? status.restarts : state.demoRequestedAt
  return { ...state, status, crashNotice, banner, otherRunId, pageRuns, demoRequestedAt }
}

function sameError(a: AppError, b: AppError | null): boolean {
  return b !== null && a.code === b.code && a.message === b.message
}

/** Whether the view should ask for the demo model now: ready, empty, and not yet tried. */
export function shouldLoadDemo(state: EngineViewState): boolean {
  const { status } = state
  return (
    state.link === 'open' &&
    status !== null &&
    status.state === 'ready' &&
    status.model === null &&
    state.demoLoad !== 'loading' &&
    state.demoRequestedAt !== status.restarts
  )
}

export function isLoadingModel(state: EngineViewState): boolean {
  return state.demoLoad === 'loading' || state.status?.state === 'loading'
}

/** Generation needs the link up, a model loaded and an engine that is not busy restarting. */
export function canGenerate(state: EngineViewState): boolean {
  return state.link === 'open' && state.status?.state === 'ready' && state.status.model !== null
}

const busyText: Record<RunOwner, string> = {
  completion: 'A completion is running — stop it or wait',
  chat: 'A chat reply is being written — stop it or wait',
  compare: 'A comparison is running — stop it or wait',
  score: 'A text is being scored — stop it or wait',
  influence: 'Token influence is being measured — stop it or wait',
  embeddings: 'Embeddings are being computed — stop them or wait',
  pipeline: 'The pipeline is reading its sentence — wait a moment',
}

/** The engine does one run at a time: why `owner` must wait for another one; null when free. */
export function busyReason(state: EngineViewState, owner: RunOwner): string | null {
  for (const other of Object.values(state.pageRuns)) {
    if (other !== owner) return busyText[other]
  }
  if (state.otherRunId !== null) {
    return 'The engine is busy with a run from another tab or window — stop it or wait'
  }
  return null
}

/** Whether no model is loaded and none is loading: the user has to pick one in Models. */
export function needsModel(state: EngineViewState): boolean {
  return (
    state.link === 'open' &&
    state.status?.state === 'ready' &&
    state.status.model === null &&
    !isLoadingModel(state)
  )
}

/** Why nothing can be generated now, in words ("loading" only while a load runs); null if it can. */
export function notReadyReason(state: EngineViewState): string | null {
  if (canGenerate(state)) return null
  if (state.link !== 'open') return 'Not connected to Tokenscope'
  if (isLoadingModel(state)) return 'Waiting for the model to load'
  const engine = state.status?.state
  if (engine === 'crashed') return 'The engine is restarting'
  if (engine === 'starting' || !state.status) return 'The engine is starting'
  if (engine === 'error') return 'The engine failed; see the error above'
  return 'No model is loaded: load one in Models'
}

/**
 * `notReadyReason` for a view whose run may go to a remote engine: that needs only the link to
 * the host (which makes the requests), not a local model.
 */
export function notReadyReasonFor(state: EngineViewState, remote: boolean): string | null {
  if (!remote) return notReadyReason(state)
  return state.link === 'open' ? null : 'Not connected to Tokenscope'
}

/** Why `owner` cannot start a run now, in words; null when it can (its own run aside). */
export function whyCannotStart(state: EngineViewState, owner: RunOwner): string | null {
  return notReadyReason(state) ?? busyReason(state, owner)
}

/** `canGenerate`, and no other view's run (nor another window's) keeps the engine busy. */
export function canStartRun(state: EngineViewState, owner: RunOwner): boolean {
  return whyCannotStart(state, owner) === null
}

export type LinkNotice = 'reconnecting' | 'unreachable' | null

export function linkNotice(state: EngineViewState): LinkNotice {
  if (state.link === 'open') return null
  if (state.everOpened) return state.link === 'closed' ? 'reconnecting' : null
  return state.refusedAttempts >= 2 ? 'unreachable' : null
}

const backendNames: Record<ComputeBackend, string> = {
  cpu: 'CPU',
  metal: 'Metal',
  cuda: 'CUDA',
  vulkan: 'Vulkan',
}

export function backendLabel(backend: ComputeBackend | null | undefined): string {
  return backend ? backendNames[backend] : '—'
}

const engineStateText: Record<EngineStatus['state'], string> = {
  starting: 'Starting',
  ready: 'Ready',
  loading: 'Loading model',
  crashed: 'Restarting',
  error: 'Error',
}

export function engineStateLabel(state: EngineViewState): string {
  if (state.link !== 'open') return state.everOpened ? 'Offline' : 'Connecting'
  if (!state.status) return 'Connecting'
  return state.status.blockedBy ? `${state.status.blockedBy}…` : engineStateText[state.status.state]
}
