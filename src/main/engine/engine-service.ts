import type { LlamaContextSequence } from 'node-llama-cpp'
import {
  startingStatus,
  type EngineEvents,
  type EngineService,
  type EngineStatus,
  type ModelInfo,
  type TokenText,
} from '../../shared/contract'
import { AppFailure, toAppError } from '../../shared/errors'
import {
  cancelRequestSchema,
  inspectModelRequestSchema,
  scanModelsRequestSchema,
  type ModelSource,
  generateManyRequestSchema,
  generateRequestSchema,
  loadModelRequestSchema,
  type ValidGenerateRequest,
  tokenizeRequestSchema,
} from '../../shared/schemas'
import { runGeneration } from './generation'
import { startLlamaRuntime, type LlamaRuntime } from './llama-runtime'
import { openModelSession, type ModelSession } from './model-session'
import { hashFile } from '../util/hash-file'
import { estimateFit, readHardware } from './model-fit'
import { readModelCard, scanFolder } from './model-scan'
import { refuseIfTooLarge } from './model-guard'
import { RunRegistry } from './run-registry'
import { validate } from './validate'

export interface EngineServiceOptions {
  demoModelPath: string
  /** Where events go; set once the channel to the host exists. */
  events: () => EngineEvents
}

/** The engine: owns llama.cpp, the loaded model, and the runs in progress. */
export function createEngineService(options: EngineServiceOptions): EngineService {
  let runtime: Promise<LlamaRuntime> | null = null
  let session: ModelSession | null = null
  const runs = new RunRegistry()
  let loading: Promise<ModelInfo> | null = null
  const status: EngineStatus = { ...startingStatus }
  const publish = (change: Partial<EngineStatus>) => {
    Object.assign(status, change)
    options.events().onStatus({ ...status })
  }
  const getRuntime = () => {
    runtime ??= startLlamaRuntime().then((r) => {
      publish({
        state: 'ready',
        backend: r.backend,
        devices: r.devices,
        gpuFallback: r.fallbackReason,
      })
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
    await runs.cancelAll()
    publish({ state: 'loading', error: null })
    const isDemo = request.source.kind === 'demo'
    const path = pathOf(request.source)
    try {
      // A file that is unusable or too large is refused before the current model goes: the
      // caller hears why, and nothing changes for anyone else.
      if (request.force) await readModelCard(path)
      else await refuseIfTooLarge(r, path, request)
    } catch (error) {
      publish({ state: 'ready', loadProgress: null })
      throw error
    }
    try {
      const previous = session
      session = null
      await previous?.dispose()
      let shown = 0
      const onProgress = (progress: number) => {
        if (progress - shown < 0.01 && progress < 1) return
        shown = progress
        publish({ loadProgress: progress })
      }
      const opened = await openModelSession(r, path, { ...request, isDemo, onProgress })
      session = opened
      publish({ state: 'ready', model: opened.info, loadProgress: null })
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
      publish({
        state: 'ready',
        model: session?.info ?? null,
        error: toAppError(error),
        loadProgress: null,
      })
      throw error
    }
  }

  /** Runs one request on `sequence`, reporting any failure as the run's `failed` event. */
  function startRun(
    current: ModelSession,
    request: ValidGenerateRequest,
    sequence: LlamaContextSequence,
    afterwards?: () => Promise<void>,
  ) {
    const emit = options.events().onRunEvent
    runs.start(request.runId, (signal) =>
      runGeneration(current, request, sequence, signal, emit)
        .catch((error: unknown) =>
          emit({ kind: 'failed', runId: request.runId, error: toAppError(error) }),
        )
        .then(afterwards)
        .catch(() => undefined),
    )
  }

  const pathOf = (source: ModelSource) =>
    source.kind === 'demo' ? options.demoModelPath : source.path

  return {
    async unloadModel() {
      await runs.cancelAll()
      const previous = session
      session = null
      await previous?.dispose()
      publish({ model: null })
    },
    async inspectModel(raw) {
      const request = validate(inspectModelRequestSchema, raw)
      const path = pathOf(request.source)
      const card = await readModelCard(path)
      return { card, fit: await estimateFit(await getRuntime(), path, request) }
    },
    async scanModels(raw) {
      return scanFolder(validate(scanModelsRequestSchema, raw).folder)
    },
    async getHardware() {
      return readHardware(await getRuntime())
    },
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
      runs.ensureIdle()
      startRun(current, request, current.sequence)
    },
    async generateMany(raw) {
      const { runs: settings, ...input } = validate(generateManyRequestSchema, raw)
      const current = requireSession()
      runs.ensureIdle()
      const sequences = await current.parallelSequences(settings.length)
      settings.forEach((run, i) => {
        const sequence = sequences[i]
        // A column that ends frees its cache cells at once for the columns still running.
        if (sequence)
          startRun(current, { ...input, ...run }, sequence, () => sequence.clearHistory())
      })
    },
    async cancel(raw) {
      const request = validate(cancelRequestSchema, raw)
      await runs.cancel(request.runId)
    },
  }
}
