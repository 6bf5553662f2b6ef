import type { LlamaModel, Token } from 'node-llama-cpp'
import {
  type EngineEvents,
  type EngineService,
  type RunEvent,
  type TokenText,
} from '../../shared/contract'
import { startingStatus, type EnginePriority, type EngineStatus } from '../../shared/engine-status'
import { toAppError } from '../../shared/errors'
import { embedRequestSchema, tokenEmbeddingsRequestSchema } from '../../shared/learn'
import {
  cancelRequestSchema,
  exactEntropyRequestSchema,
  generateManyRequestSchema,
  generateRequestSchema,
  influenceRequestSchema,
  inspectModelRequestSchema,
  scanModelsRequestSchema,
  scoreRequestSchema,
  tokenizeRequestSchema,
  tokenizeWithRequestSchema,
  type ValidGenerateRequest,
} from '../../shared/schemas'
import { chatWrapperOf } from './chat-wrapper'
import { embedTexts, readTokenEmbeddings } from './embeddings'
import { EngineLock } from './engine-lock'
import { readExactEntropy } from './exact-entropy'
import { runGeneration } from './generation'
import { runInfluence } from './influence'
import { estimateFit, planMemory, readHardware, type MemoryPlan } from './model-fit'
import { refuseBatchIfTooLarge } from './model-guard'
import { readModelCard, scanFolder } from './model-scan'
import type { ModelSession, ParallelBatch } from './model-session'
import { createModelSlot } from './model-slot'
import { collectDroppedSamplers } from './sampler-garbage'
import { runScoring } from './scoring'
import { withHiddenBytes } from './step-reader'
import { tokenBytesFor } from './token-bytes'
import { validate } from './validate'
import { VocabModels } from './vocab-models'

export interface EngineServiceOptions {
  demoModelPath: string
  /** The process's priority, set before the service starts. */
  priority?: EnginePriority
  /** Where events go; set once the channel to the host exists. */
  events: () => EngineEvents
}

/** The engine: owns llama.cpp, the loaded model, and the runs in progress. */
export function createEngineService(options: EngineServiceOptions): EngineService {
  const lock = new EngineLock()
  const vocabularies = new VocabModels()
  const status: EngineStatus = { ...startingStatus, priority: options.priority ?? null }
  const publish = (change: Partial<EngineStatus>) => {
    Object.assign(status, change)
    options.events().onStatus({ ...status })
  }
  const slot = createModelSlot({ demoModelPath: options.demoModelPath, lock, publish })
  const { getRuntime, pathOf, requireSession } = slot
  void getRuntime().catch((error: unknown) => publish({ state: 'error', error: toAppError(error) }))

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

  const emitRun = (event: RunEvent) => options.events().onRunEvent(event)

  /**
   * Starts one run as the engine's job once it is free; whatever it throws is reported as the
   * run's `failed` event, not as this call's failure.
   */
  function startRun(
    label: string,
    runId: string,
    run: (
      current: ModelSession,
      signal: AbortSignal,
      emit: (event: RunEvent) => void,
    ) => Promise<void>,
  ) {
    return whenFree((current) =>
      lock.startJob(label, [runId], emitRun, (job) =>
        run(current, job.signal(runId), job.emit).catch(reportAsFailed(runId, job.emit)),
      ),
    )
  }

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

  return {
    async unloadModel() {
      await slot.unload()
    },
    async prepareChat() {
      const session = slot.currentSession()
      // A failure is the first chat's to report (it tries again); preparing is only a head start.
      if (session) await chatWrapperOf(session).catch(() => undefined)
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
      return slot.load(raw)
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
      await startRun(label, request.runId, (current, signal, emit) =>
        runGeneration(current, request, current.sequence, signal, emit),
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
            const { sequences, columnEnded, dispose } = await setup.batch
            try {
              await Promise.all(
                requests.map((request, i) => {
                  const sequence = sequences[i]
                  const signal = job.signal(request.runId)
                  return (
                    sequence &&
                    runGeneration(current, request, sequence, signal, job.emit)
                      .catch(reportAsFailed(request.runId, job.emit))
                      .finally(columnEnded)
                  )
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
      await startRun('a text being scored', request.runId, (current, signal, emit) =>
        runScoring(current, request, current.sequence, signal, emit),
      )
    },
    async influence(raw) {
      const request = validate(influenceRequestSchema, raw)
      await startRun('token influence being measured', request.runId, (current, signal, emit) =>
        runInfluence(current, request, current.sequence, signal, emit),
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

/** A run's error as its `failed` event: the request that started it has already been answered. */
function reportAsFailed(runId: string, emit: (event: RunEvent) => void) {
  return (error: unknown) => emit({ kind: 'failed', runId, error: toAppError(error) })
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
