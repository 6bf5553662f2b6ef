import type {
  EngineEvents,
  EngineService,
  EngineStatus,
  ModelInfo,
  TokenText,
} from '../../shared/contract'
import { AppFailure, toAppError } from '../../shared/errors'
import {
  cancelRequestSchema,
  generateRequestSchema,
  loadModelRequestSchema,
  type ValidGenerateRequest,
  tokenizeRequestSchema,
} from '../../shared/schemas'
import { runGeneration } from './generation'
import { startLlamaRuntime, type LlamaRuntime } from './llama-runtime'
import { openModelSession, type ModelSession } from './model-session'
import { hashFile } from './hash-file'
import { validate } from './validate'

export interface EngineServiceOptions {
  demoModelPath: string
  /** Where events go; set once the channel to the host exists. */
  events: () => EngineEvents
}

/** The engine: owns llama.cpp, the loaded model, and the one run that may be in progress. */
export function createEngineService(options: EngineServiceOptions): EngineService {
  let runtime: Promise<LlamaRuntime> | null = null
  let session: ModelSession | null = null
  let activeRun: { runId: string; abort: AbortController; done: Promise<void> } | null = null
  let loading: Promise<ModelInfo> | null = null
  const status: EngineStatus = {
    state: 'starting',
    backend: null,
    devices: [],
    model: null,
    error: null,
    restarts: 0,
  }
  const publish = (change: Partial<EngineStatus>) => {
    Object.assign(status, change)
    options.events().onStatus({ ...status })
  }
  const getRuntime = () => {
    runtime ??= startLlamaRuntime().then((r) => {
      publish({ state: 'ready', backend: r.backend, devices: r.devices })
      return r
    })
    return runtime
  }
  void getRuntime().catch((error: unknown) => publish({ state: 'error', error: toAppError(error) }))

  const requireSession = (): ModelSession => {
    if (!session) {
      throw new AppFailure({
        code: 'no-model',
        message: 'No model is loaded.',
        hint: 'Load a model first; the demo model loads with one click.',
      })
    }
    return session
  }

  async function load(raw: unknown): Promise<ModelInfo> {
    const request = validate(loadModelRequestSchema, raw)
    const r = await getRuntime()
    if (activeRun) await cancelRun(activeRun.runId)
    publish({ state: 'loading', error: null })
    const isDemo = request.source.kind === 'demo'
    const path = request.source.kind === 'demo' ? options.demoModelPath : request.source.path
    try {
      const previous = session
      session = null
      await previous?.dispose()
      const opened = await openModelSession(r, path, { contextSize: request.contextSize, isDemo })
      session = opened
      publish({ state: 'ready', model: opened.info })
      // Exports name the exact model file; hashing gigabytes must not delay the first run.
      void hashFile(path).then(
        (sha256) => {
          if (session !== opened) return
          opened.info.sha256 = sha256
          publish({ model: { ...opened.info } })
        },
        () => undefined,
      )
      return opened.info
    } catch (error) {
      publish({ state: 'ready', model: null, error: toAppError(error) })
      throw error
    }
  }

  async function cancelRun(runId: string): Promise<void> {
    if (activeRun?.runId !== runId) return
    activeRun.abort.abort()
    await activeRun.done
  }

  return {
    async getStatus() {
      return { ...status }
    },
    async loadModel(raw) {
      // Loads are serialised: a second request waits for the first, then replaces it.
      const previous = loading
      const next = (async () => {
        await previous?.catch(() => undefined)
        return load(raw)
      })()
      loading = next
      return next
    },
    async tokenize(raw): Promise<TokenText[]> {
      const request = validate(tokenizeRequestSchema, raw)
      const { model } = requireSession()
      return model
        .tokenize(request.text, request.specialTokens)
        .map((id) => ({ id, text: model.detokenize([id], true) }))
    },
    async generate(raw) {
      const request: ValidGenerateRequest = validate(generateRequestSchema, raw)
      const current = requireSession()
      if (activeRun) {
        throw new AppFailure({
          code: 'run-busy',
          message: 'A run is already in progress.',
          hint: 'Stop it first, or wait for it to finish.',
        })
      }
      const abort = new AbortController()
      const emit = options.events().onRunEvent
      const done = runGeneration(current, request, abort.signal, emit)
        .catch((error: unknown) =>
          emit({ kind: 'failed', runId: request.runId, error: toAppError(error) }),
        )
        .finally(() => {
          activeRun = null
        })
      activeRun = { runId: request.runId, abort, done }
    },
    async cancel(raw) {
      const request = validate(cancelRequestSchema, raw)
      await cancelRun(request.runId)
    },
  }
}
