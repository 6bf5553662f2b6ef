import type { ApiServerChange, ApiServerRequest, ApiServerStatus } from '../../shared/api-server'
import type { AppService } from '../../shared/contract'
import type { EngineStatus } from '../../shared/engine-status'
import { AppFailure } from '../../shared/errors'
import { loadOrCreateApiKey, readApiKeyHash } from './api-key'
import { startApiServer, type ApiServer } from './api-server'
import { isPort, readApiSettings, writeApiSettings, type ApiSettings } from './api-settings'
import type { ObserveRunEvents } from './run-driver'

export interface ApiControlOptions {
  dataDirectory: string
  /** The host's service; a function because the service is composed after this control. */
  service: () => AppService
  observe: ObserveRunEvents
  /** Follows the engine's status (the supervisor's `observeStatus`). */
  observeStatus: (observer: (status: EngineStatus) => void) => () => void
  log: (line: string) => void
}

export interface ApiControl {
  status(): ApiServerStatus
  set(request: unknown): Promise<ApiServerChange>
  renewKey(): Promise<ApiServerChange>
  /** Starts the API if the user left it on at the last launch. */
  restore(): Promise<void>
  /** `serve --api`: on now with these settings (not saved); `newKey` when the caller made one. */
  startWith(settings: Omit<ApiSettings, 'on'>, keyHash: string): Promise<ApiServer>
  close(): Promise<void>
}

/**
 * The OpenAI-compatible API as the user controls it from the Server panel: on and off, its
 * port, whether requests become sessions, and its key (made when first needed, shown once, only
 * its hash kept). Changes are serialised: a second click waits for the first to finish.
 */
export function createApiControl(options: ApiControlOptions): ApiControl {
  let server: ApiServer | null = null
  let settings: ApiSettings | null = null
  let hasKey = false
  let queue: Promise<unknown> = Promise.resolve()
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  // While the API listens, the loaded model's chat template is matched ahead of the first chat
  // request (node-llama-cpp's matching blocks the engine for most of a second once per load).
  let loadedPath: string | null = null
  let preparedPath: string | null = null
  const prepareChat = () => {
    if (!server || loadedPath === null || loadedPath === preparedPath) return
    preparedPath = loadedPath
    // Only a head start: the first chat request matches the template itself if this fails.
    options
      .service()
      .prepareChat()
      .catch(() => undefined)
  }
  const stopObserving = options.observeStatus((engine) => {
    loadedPath = engine.state === 'ready' ? (engine.model?.path ?? null) : null
    if (loadedPath === null) preparedPath = null
    prepareChat()
  })

  const status = (): ApiServerStatus => ({
    state: server ? 'listening' : 'off',
    url: server?.url ?? null,
    port: server?.port ?? settings?.port ?? 0,
    recording: server?.recording ?? settings?.recording ?? true,
    hasKey,
    requests: server?.requests() ?? [],
  })

  async function current(): Promise<ApiSettings> {
    settings ??= await readApiSettings(options.dataDirectory, options.log)
    return settings
  }

  async function listen(port: number, recording: boolean, keyHash: string): Promise<ApiServer> {
    await server?.close()
    server = null
    try {
      server = await startApiServer({
        port,
        keyHash,
        record: recording,
        service: options.service(),
        observe: options.observe,
        log: options.log,
      })
    } catch (error) {
      const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      throw new AppFailure({
        code: 'invalid-request',
        message: busy
          ? `Port ${port} is already in use by another program.`
          : `The API could not listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`,
        hint: 'Pick another port, or 0 for any free one.',
      })
    }
    options.log(`OpenAI-compatible API on ${server.url}`)
    prepareChat()
    return server
  }

  return {
    status,
    set: (request) =>
      serially(async () => {
        const wanted = checkRequest(request)
        const saved = await current()
        const next: ApiSettings = {
          on: wanted.on,
          port: wanted.port ?? saved.port,
          recording: wanted.recording ?? saved.recording,
        }
        let newKey: string | null = null
        if (next.on) {
          const key = await loadOrCreateApiKey(options.dataDirectory)
          newKey = key.newKey
          hasKey = true
          await listen(next.port, next.recording, key.hash)
        } else {
          await server?.close()
          server = null
        }
        settings = next
        await writeApiSettings(options.dataDirectory, next)
        return { status: status(), newKey }
      }),
    renewKey: () =>
      serially(async () => {
        const key = await loadOrCreateApiKey(options.dataDirectory, true)
        hasKey = true
        if (server) await listen(server.port, server.recording, key.hash)
        return { status: status(), newKey: key.newKey }
      }),
    restore: () =>
      serially(async () => {
        const saved = await current()
        const hash = await readApiKeyHash(options.dataDirectory).catch(() => null)
        hasKey = hash !== null
        if (!saved.on || hash === null) return
        await listen(saved.port, saved.recording, hash).catch((error: unknown) =>
          options.log(`the API was left on but could not start: ${(error as Error).message}`),
        )
      }),
    startWith: (chosen, keyHash) =>
      serially(async () => {
        await current()
        hasKey = true
        return listen(chosen.port, chosen.recording, keyHash)
      }),
    close: () =>
      serially(async () => {
        stopObserving()
        await server?.close()
        server = null
      }),
  }
}

function checkRequest(request: unknown): ApiServerRequest {
  const { on, port, recording } = (request ?? {}) as Record<string, unknown>
  if (typeof on !== 'boolean') throw invalid('Say whether the API should be on (true or false).')
  if (port !== undefined && !isPort(port)) {
    throw invalid(`The port must be a whole number from 0 to 65535, not ${JSON.stringify(port)}.`)
  }
  if (recording !== undefined && typeof recording !== 'boolean') {
    throw invalid('Whether requests are saved as sessions must be true or false.')
  }
  return { on, port, recording }
}

const invalid = (message: string) => new AppFailure({ code: 'invalid-request', message })
