import type { LlamaContextSequence } from 'node-llama-cpp'
import {
  startingStatus,
  type EngineEvents,
  type EngineService,
  type EngineStatus,
  type ModelInfo,
  type RunEvent,
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
  tokenizeWithRequestSchema,
  scoreRequestSchema,
  influenceRequestSchema,
  exactEntropyRequestSchema,
} from '../../shared/schemas'
import { runGeneration } from './generation'
import { collectDroppedSamplers } from './sampler-garbage'
import { runScoring } from './scoring'
import { runInfluence } from './influence'
import { readExactEntropy } from './exact-entropy'
import { embedTexts, readTokenEmbeddings } from './embeddings'
import { embedRequestSchema, tokenEmbeddingsRequestSchema } from '../../shared/learn'
import { startLlamaRuntime, type LlamaRuntime } from './llama-runtime'
import {
  openModelSession,
  type ModelSession,
  type OpenOptions,
  type ParallelBatch,
} from './model-session'
import { EngineLock, type JobContext } from './engine-lock'
import { hashFile } from '../util/hash-file'
import { estimateFit, planMemory, readHardware, type MemoryPlan } from './model-fit'
import { readModelCard, scanFolder } from './model-scan'
import { refuseBatchIfTooLarge, refuseIfTooLarge } from './model-guard'
import { tokenBytesFor } from './token-bytes'
import { withHiddenBytes } from './step-reader'
import { validate } from './validate'
import { VocabModels } from './vocab-models'
import type { LlamaModel, Token } from 'node-llama-cpp'

export interface EngineServiceOptions {
  demoModelPath: string
  /** Where events go; set once the channel to the host exists. */
  events: () => EngineEvents
}

/** The engine: owns llama.cpp, the loaded model, and the runs in progress. */
export function createEngineService(options: EngineServiceOptions): EngineService {
  let runtime: Promise<LlamaRuntime> | null = null
  let session: ModelSession | null = null
  /** How the current model was opened, to open it again when a load that replaces it fails. */
  let currentLoad: { path: string; options: OpenOptions } | null = null
  const lock = new EngineLock()
  const vocabularies = new VocabModels()
  const status: EngineStatus = { ...startingStatus }
  const publish = (change: Partial<EngineStatus>) => {
    Object.assign(status, change)
    options.events().onStatus({ ...status })
  }
  const onBlockingWork = (label: string | null) => publish({ blockedBy: label })
  const getRuntime = () => {
    runtime ??= startLlamaRuntime({ demoModelPath: options.demoModelPath }).then((r) => {
      publish({
        state: 'ready',
        backend: r.backend,
        devices: r.devices,
        gpuFallback: r.fallbackReason,
        engineBinary: r.binary,
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

  /**
   * Calls `start` with the loaded model once a run that is stopping has ended; refused with the
   * lock's "busy" error while another job runs. The check and `start` share one synchronous
   * stretch, with no await between them, so `start` claims the lock before any other call can
   * pass the same check.
   */
  function whenFree<T>(start: (current: ModelSession) => T): T | Promise<T> {
    const claim = () => {
      lock.ensureFree()
      return start(requireSession())
    }
    const stopping = lock.afterStopping()
    return stopping ? stopping.then(claim) : claim()
  }

  async function load(raw: unknown): Promise<ModelInfo> {
    const request = validate(loadModelRequestSchema, raw)
    const isDemo = request.source.kind === 'demo'
    const path = pathOf(request.source)
    let r: LlamaRuntime | null = null
    // A file that is unusable or too large is refused before the current model goes: the caller
    // hears why, and nothing changes for anyone else (a run in progress goes on).
    const check = async () => {
      r = await getRuntime()
      publish({ state: 'loading', error: null })
      try {
        if (request.force) await readModelCard(path)
        else await refuseIfTooLarge(r, path, request)
      } catch (error) {
        publish({ state: 'ready', loadProgress: null })
        throw error
      }
    }
    return lock.switchModel('load', check, async () => {
      if (!r) throw new Error('the runtime check did not run')
      const runtime: LlamaRuntime = r
      let shown = 0
      const onProgress = (progress: number) => {
        if (progress - shown < 0.01 && progress < 1) return
        shown = progress
        publish({ loadProgress: progress })
      }
      const previous = currentLoad
      try {
        await dropSession()
        const opened = await openAndPublish(runtime, path, {
          ...request,
          isDemo,
          onProgress,
          onBlockingWork,
        })
        currentLoad = {
          path,
          options: { ...request, isDemo, onProgress: () => undefined, onBlockingWork },
        }
        return opened.info
      } catch (error) {
        // A refused load keeps the model that worked: it is opened again as it was.
        currentLoad = null
        if (previous && !session) {
          publish({ loadProgress: null })
          await openAndPublish(runtime, previous.path, previous.options).then(
            () => (currentLoad = previous),
            () => undefined,
          )
        }
        publish({
          state: 'ready',
          model: session?.info ?? null,
          error: toAppError(error),
          loadProgress: null,
        })
        throw error
      }
    })
  }

  async function openAndPublish(
    runtime: LlamaRuntime,
    path: string,
    options: OpenOptions,
  ): Promise<ModelSession> {
    const opened = await openModelSession(runtime, path, options)
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
    return opened
  }

  async function dropSession() {
    const previous = session
    session = null
    await previous?.dispose()
  }

  /** Runs one request on `sequence`, reporting any failure as the run's `failed` event. */
  async function runReporting(
    current: ModelSession,
    request: ValidGenerateRequest,
    sequence: LlamaContextSequence,
    job: JobContext,
  ) {
    await runGeneration(current, request, sequence, job.signal(request.runId), job.emit).catch(
      (error: unknown) =>
        job.emit({ kind: 'failed', runId: request.runId, error: toAppError(error) }),
    )
  }

  const emitRun = (event: RunEvent) => options.events().onRunEvent(event)

  // One memory plan per loaded model, read from its header on the first comparison.
  const plans = new WeakMap<ModelSession, Promise<MemoryPlan>>()
  async function openBatch(current: ModelSession, columns: number): Promise<ParallelBatch> {
    let plan = plans.get(current)
    if (!plan) {
      const { path, contextSize } = current.info
      plan = getRuntime().then((r) =>
        planMemory(r, path, { contextSize, gpuLayers: current.model.gpuLayers }),
      )
      plans.set(current, plan)
    }
    refuseBatchIfTooLarge(await plan, columns)
    const batch = await current.openBatch(columns)
    const contextSize = batch.sequences[0]?.contextSize ?? 0
    publish({ parallelContext: { sequences: columns, contextSize } })
    return batch
  }

  const pathOf = (source: ModelSource) =>
    source.kind === 'demo' ? options.demoModelPath : source.path

  return {
    async unloadModel() {
      await lock.switchModel(
        'unload',
        async () => undefined,
        async () => {
          await dropSession()
          currentLoad = null
          publish({ model: null })
        },
      )
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
      return load(raw)
    },
    async tokenize(raw): Promise<TokenText[]> {
      const request = validate(tokenizeRequestSchema, raw)
      return lock.afterSwitches(() => {
        const { model } = requireSession()
        return describeTokens(model, model.tokenize(request.text, request.specialTokens))
      })
    },
    async tokenizeWith(raw): Promise<TokenText[]> {
      const request = validate(tokenizeWithRequestSchema, raw)
      const model = await vocabularies.get(await getRuntime(), pathOf(request.source))
      return describeTokens(model, model.tokenize(request.text, request.specialTokens))
    },
    async generate(raw) {
      const request: ValidGenerateRequest = validate(generateRequestSchema, raw)
      const label = request.chat ? 'a chat reply' : 'a completion'
      await whenFree((current) =>
        lock.startJob(label, [request.runId], emitRun, (job) =>
          runReporting(current, request, current.sequence, job),
        ),
      )
    },
    async generateMany(raw) {
      const { runs: settings, ...input } = validate(generateManyRequestSchema, raw)
      const requests = settings.map((run) => ({ ...input, ...run }))
      const label = `a comparison of ${requests.length} columns`
      const setup: { batch?: Promise<ParallelBatch> } = {}
      await whenFree((current) =>
        lock.startJob(
          label,
          requests.map((r) => r.runId),
          emitRun,
          async (job) => {
            setup.batch = openBatch(current, requests.length)
            const { sequences, dispose } = await setup.batch
            try {
              await Promise.all(
                requests.map((request, i) => {
                  const sequence = sequences[i]
                  return sequence && runReporting(current, request, sequence, job)
                }),
              )
            } finally {
              // Freed with the batch, before the engine is free again: a load waits for this.
              await dispose().catch(() => undefined)
              collectDroppedSamplers()
              publish({ parallelContext: null })
            }
          },
        ),
      )
      // Resolves once the columns run; a batch that cannot be opened is this call's failure.
      await setup.batch
    },
    async score(raw) {
      const request = validate(scoreRequestSchema, raw)
      await whenFree((current) =>
        lock.startJob('a text being scored', [request.runId], emitRun, (job) =>
          runScoring(current, request, current.sequence, job.signal(request.runId), job.emit).catch(
            (error: unknown) =>
              job.emit({ kind: 'failed', runId: request.runId, error: toAppError(error) }),
          ),
        ),
      )
    },
    async influence(raw) {
      const request = validate(influenceRequestSchema, raw)
      await whenFree((current) =>
        lock.startJob('token influence being measured', [request.runId], emitRun, (job) =>
          runInfluence(
            current,
            request,
            current.sequence,
            job.signal(request.runId),
            job.emit,
          ).catch((error: unknown) =>
            job.emit({ kind: 'failed', runId: request.runId, error: toAppError(error) }),
          ),
        ),
      )
    },
    async exactEntropy(raw) {
      const { tokens } = validate(exactEntropyRequestSchema, raw)
      return whenFree((current) =>
        lock.exclusive('the exact entropy being read', () => readExactEntropy(current, tokens)),
      )
    },
    async embed(raw) {
      const { texts } = validate(embedRequestSchema, raw)
      return whenFree((current) =>
        lock.exclusive('embeddings being computed', () => embedTexts(current, texts)),
      )
    },
    async readTokenEmbeddings(raw) {
      const request = validate(tokenEmbeddingsRequestSchema, raw)
      return lock.afterSwitches(() => readTokenEmbeddings(requireSession().info.path, request))
    },
    async cancel(raw) {
      const request = validate(cancelRequestSchema, raw)
      await lock.cancel(request.runId)
    },
  }
}

/** Tokens as the Tokenizer shows them: text, the bytes a partial character hides, special marks. */
function describeTokens(model: LlamaModel, ids: readonly Token[]): TokenText[] {
  const bytesOf = tokenBytesFor(model)
  return ids.map((id) => {
    const text = model.detokenize([id], true)
    const special = model.getTokenAttributes(id).control ? { special: true } : {}
    return { id, text, ...withHiddenBytes(text, id, bytesOf), ...special }
  })
}
