import type { AppService } from '../../shared/contract'

/**
 * Wraps the service one client (a browser tab, the desktop window) talks to, remembering the runs
 * it started, so that its runs stop when it goes away instead of keeping the engine busy for the
 * next window.
 */
export function trackClientRuns(service: AppService): { service: AppService; cancelAll(): void } {
  const runIds = new Set<string>()
  const remember = (ids: unknown[]) =>
    ids.forEach((id) => {
      if (typeof id === 'string') runIds.add(id)
    })
  return {
    service: {
      ...service,
      generate: (request) => {
        remember([request?.runId])
        return service.generate(request)
      },
      score: (request) => {
        remember([request?.runId])
        return service.score(request)
      },
      influence: (request) => {
        remember([request?.runId])
        return service.influence(request)
      },
      generateMany: (request) => {
        remember(Array.isArray(request?.runs) ? request.runs.map((run) => run?.runId) : [])
        return service.generateMany(request)
      },
    },
    cancelAll() {
      // Cancelling a run that already ended is a no-op in the engine.
      for (const runId of runIds) void service.cancel({ runId }).catch(() => undefined)
      runIds.clear()
    },
  }
}
