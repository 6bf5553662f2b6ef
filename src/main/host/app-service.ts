import type { AppService } from '../../shared/contract'
import type { SessionService } from '../../shared/sessions'
import type { EngineSupervisor } from './engine-supervisor'
import type { createModelFiles } from './model-files'

/** What both hosts serve to their UI: the engine (through its supervisor), sessions and model files. */
export function composeAppService(
  supervisor: EngineSupervisor,
  sessions: SessionService,
  modelFiles: ReturnType<typeof createModelFiles>,
): AppService {
  return {
    ...supervisor.service,
    ...sessions,
    ...modelFiles.service,
    loadModel: async (request) => {
      const info = await supervisor.service.loadModel(request)
      const source = (request as { source?: { kind?: unknown; path?: unknown } }).source
      if (source?.kind === 'file' && typeof source.path === 'string') {
        await modelFiles.recordLoaded(source.path).catch(() => undefined)
      }
      return info
    },
  }
}
