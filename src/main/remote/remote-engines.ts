import type { z } from 'zod'
import type { RunEvent } from '../../shared/contract'
import { AppFailure, type AppError } from '../../shared/errors'
import {
  addRemoteEndpointSchema,
  remoteEndpointRefSchema,
  type RemoteEngineService,
  type RemoteModel,
} from '../../shared/remote'
import { describeIssues, generateRequestSchema, type GenerateRequest } from '../../shared/schemas'
import { createEndpointStore, publicEndpoint, type SavedEndpoint } from './endpoint-store'
import { readLimitedText, remoteFetch } from './remote-http'
import { startRemoteRun } from './remote-run'

const maxRemoteRuns = 8
const maxModels = 1000
/** Most of a /models answer read: a thousand models' ids fit many times over. */
const maxModelListBytes = 4 * 1024 * 1024

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : (JSON.parse(text) as unknown)
  } catch {
    return null
  }
}

/** A request from the (untrusted) UI, checked; a readable 'invalid-request' when it is not. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new AppFailure({
      code: 'invalid-request',
      message: `Invalid request: ${describeIssues(parsed.error)}`,
    })
  return parsed.data
}

function notOpenAi(endpoint: SavedEndpoint): AppError {
  return {
    code: 'remote-failed',
    message: `${endpoint.url}/models did not answer with a list of models, so this is not an OpenAI-compatible API.`,
    hint: 'The address usually ends in /v1, e.g. http://gpu-box:8080/v1.',
  }
}

/** Reads a /models answer: `{ data: [{ id, owned_by }] }`, as every compatible server sends. */
export function readModelList(body: unknown): RemoteModel[] | null {
  const data = (body as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) return null
  const models: RemoteModel[] = []
  for (const item of data.slice(0, maxModels)) {
    const { id, owned_by: ownedBy } = (item ?? {}) as { id?: unknown; owned_by?: unknown }
    if (typeof id !== 'string' || id === '' || id.length > 1024) continue
    models.push({ id, ownedBy: typeof ownedBy === 'string' ? ownedBy.slice(0, 200) : null })
  }
  return models
}

/**
 * Remote engines in the host: the saved endpoints, their model lists, and runs on them whose
 * events go out through `emit` exactly as the local engine's do (recorder and clients alike).
 */
export function createRemoteEngines(options: {
  dataDirectory: string
  log: (line: string) => void
  emit: (event: RunEvent) => void
}) {
  const store = createEndpointStore(options.dataDirectory, options.log)
  const runs = new Map<string, AbortController>()

  const service: RemoteEngineService = {
    listRemoteEndpoints: async () => (await store.list()).map(publicEndpoint),
    addRemoteEndpoint: async (request) => {
      const { url, key, probabilities } = parse(addRemoteEndpointSchema, request)
      const trimmed = key?.trim() ?? ''
      return publicEndpoint(await store.add(url, trimmed === '' ? null : trimmed, probabilities))
    },
    removeRemoteEndpoint: async (request) => {
      await store.remove(parse(remoteEndpointRefSchema, request).endpointId)
    },
    listRemoteModels: async (request) => {
      const { endpointId } = parse(remoteEndpointRefSchema, request)
      const endpoint = await store.get(endpointId)
      const response = await remoteFetch(endpoint, '/models')
      const text = await readLimitedText(response, maxModelListBytes).catch(() => null)
      const models = readModelList(parseJson(text))
      if (!models) throw new AppFailure(notOpenAi(endpoint))
      return { endpointId, models }
    },
  }

  /** Runs `request` on its `remote` engine; resolves once the server has begun to answer. */
  async function generate(request: GenerateRequest): Promise<void> {
    const valid = parse(generateRequestSchema, request)
    if (!valid.remote) throw new Error('generate without a remote engine reached remote engines')
    if (runs.has(valid.runId))
      throw new AppFailure({
        code: 'invalid-request',
        message: `Run ${valid.runId} is already running.`,
      })
    if (runs.size >= maxRemoteRuns)
      throw new AppFailure({
        code: 'run-busy',
        message: `${maxRemoteRuns} remote runs are already streaming.`,
        hint: 'Stop one, or wait for one to end.',
      })
    const endpoint = await store.get(valid.remote.endpointId)
    const controller = new AbortController()
    runs.set(valid.runId, controller)
    const emit = (event: RunEvent) => {
      if (event.kind === 'ended' || event.kind === 'failed') runs.delete(event.runId)
      options.emit(event)
    }
    try {
      await startRemoteRun(valid, endpoint, valid.remote.model, controller.signal, emit)
    } catch (error) {
      runs.delete(valid.runId)
      if (!controller.signal.aborted) throw error
      throw new AppFailure({
        code: 'invalid-request',
        message: 'The run was stopped before the server answered.',
      })
    }
  }

  return {
    service,
    generate,
    /** Whether `runId` is a remote run (then `cancel` stopped it). */
    cancel(runId: unknown): boolean {
      const controller = typeof runId === 'string' ? runs.get(runId) : undefined
      controller?.abort()
      return controller !== undefined
    },
    close() {
      for (const controller of runs.values()) controller.abort()
    },
  }
}

export type RemoteEngines = ReturnType<typeof createRemoteEngines>
