import type { ApiControl } from '../api/api-control'
import type { AppService } from '../../shared/contract'
import type { RemoteEngines } from '../remote/remote-engines'
import type { EngineSupervisor } from './engine-supervisor'
import type { createModelFiles } from './model-files'
import { AppFailure } from '../../shared/errors'
import { createHeldCandidates } from './held-candidates'
import { createRunRecorder } from './run-recorder'
import { createSessionSearch } from './session-search'
import type { SessionStore } from './session-store'

/**
 * What both hosts serve to their UI: the engine (through its supervisor), sessions and model
 * files. Runs whose request carries `record` are recorded into their session as their events
 * pass. Call once per host: the recorder watches the supervisor for as long as it lives.
 */
export function composeAppService(
  supervisor: EngineSupervisor,
  sessions: SessionStore,
  modelFiles: ReturnType<typeof createModelFiles>,
  log: (line: string) => void = () => undefined,
  /** The OpenAI-compatible API, which the Server panel turns on and off. */
  api: ApiControl,
  /** OpenAI-compatible servers elsewhere; a run that names one goes there, not to the engine. */
  remote: RemoteEngines,
): AppService {
  const recorder = createRunRecorder(sessions, log)
  const { access } = modelFiles
  /** File-path methods only reach the paths `access` allows (see path-access.ts). */
  const checkSource = (request: unknown) => {
    const source = (request as { source?: { kind?: unknown; path?: unknown } } | null)?.source
    if (source?.kind === 'file' && typeof source.path === 'string') access.checkFile(source.path)
  }
  supervisor.observeRunEvents(recorder.onRunEvent)
  const held = createHeldCandidates(recorder.isRecording)
  supervisor.shapeRunEventsForClients(held.forClients)
  const { record: _record, flush: _flush, close: _close, ...sessionService } = sessions
  return recorder.wrap({
    ...supervisor.service,
    ...sessionService,
    searchSessions: createSessionSearch(sessions),
    ...modelFiles.service,
    getApiServer: async () => api.status(),
    setApiServer: (request) => api.set(request),
    renewApiKey: () => api.renewKey(),
    ...remote.service,
    generate: (request) =>
      (request as { remote?: unknown } | null)?.remote !== undefined
        ? remote.generate(request)
        : supervisor.service.generate(request),
    generateMany: async (request) => {
      const runs: unknown[] = Array.isArray(request?.runs) ? request.runs : []
      if (runs.some((run) => (run as { remote?: unknown } | null)?.remote !== undefined))
        throw new AppFailure({
          code: 'invalid-request',
          message:
            'One batch runs on the local engine only; send each remote column as its own generate.',
        })
      return supervisor.service.generateMany(request)
    },
    cancel: async (request) => {
      if (remote.cancel((request as { runId?: unknown } | null)?.runId)) return
      return supervisor.service.cancel(request)
    },
    restartEngine: () => supervisor.restart(),
    loadRunCandidates: async (request) => held.read(request),
    inspectModel: async (request) => {
      checkSource(request)
      return supervisor.service.inspectModel(request)
    },
    tokenizeWith: async (request) => {
      checkSource(request)
      return supervisor.service.tokenizeWith(request)
    },
    scanModels: async (request) => {
      const folder = (request as { folder?: unknown } | null)?.folder
      if (typeof folder === 'string') access.checkFolder(folder)
      const models = await supervisor.service.scanModels(request)
      access.listed(models.map((model) => model.path))
      return models
    },
    loadModel: async (request) => {
      checkSource(request)
      const info = await supervisor.service.loadModel(request)
      const source = (request as { source?: { kind?: unknown; path?: unknown } }).source
      if (source?.kind === 'file' && typeof source.path === 'string') {
        await modelFiles.recordLoaded(source.path).catch(() => undefined)
      }
      return info
    },
  })
}
