import { basename } from 'node:path'
import type {
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaModel,
} from 'node-llama-cpp'
import type { ModelInfo } from '../../shared/engine-status'
import { AppFailure } from '../../shared/errors'
import type { LoadOptions } from '../../shared/schemas'
import { lockstepColumns } from './lockstep-columns'
import { logMark, logSince, type LlamaRuntime } from './llama-runtime'
import { preflightModelFile } from './model-preflight'
import { guardLogitReads } from './logit-read-guard'
import { chooseThreads } from './thread-choice'
import { registerTokenBytes, tokenBytesOf } from './token-bytes'

const defaultContextCap = 4096

/** A loaded model with the one context and sequence that generation runs on. */
export interface ModelSession {
  info: ModelInfo
  model: LlamaModel
  context: LlamaContext
  sequence: LlamaContextSequence
  /**
   * A context of `count` sequences for one Compare batch, each as large as the main context, so
   * a column fills up where a single run would. The caller frees it when the batch ends: users
   * who never compare never pay for its memory, and those who do pay only while it runs.
   */
  openBatch(count: number): Promise<ParallelBatch>
  /**
   * A separate embedding context of `contextSize` tokens on the same weights, for the caller to
   * dispose: the model's own context and its cached tokens stay as they are.
   */
  openEmbedding(contextSize: number): Promise<LlamaEmbeddingContext>
  /**
   * Runs synchronous work that keeps the engine from answering for a while (node-llama-cpp
   * matching a chat template against its built-in wrappers renders it hundreds of times), after
   * telling the host, whose heartbeat would otherwise take the silence for a hang.
   */
  runBlocking<T>(label: string, work: () => T): Promise<T>
  dispose(): Promise<void>
}

export interface ParallelBatch {
  sequences: LlamaContextSequence[]
  /** Each column's run calls this once when it ends, so the others stop waiting for it. */
  columnEnded(): void
  dispose(): Promise<void>
}

export interface OpenOptions extends Required<LoadOptions> {
  isDemo: boolean
  onProgress(progress: number): void
  /** Told before and after (null) synchronous work that blocks the engine's event loop. */
  onBlockingWork(label: string | null): void
}

export async function openModelSession(
  runtime: LlamaRuntime,
  path: string,
  options: OpenOptions,
): Promise<ModelSession> {
  const file = await preflightModelFile(path)
  let model: LlamaModel
  const mark = logMark()
  try {
    model = await runtime.llama.loadModel({
      modelPath: path,
      gpuLayers: runtime.backend === 'cpu' ? 0 : options.gpuLayers,
      onLoadProgress: options.onProgress,
    })
  } catch (error) {
    throw await loadFailure(path, error, mark)
  }
  try {
    const trained = model.trainContextSize
    const contextSize =
      options.contextSize > 0 ? options.contextSize : Math.min(trained, defaultContextCap)
    // node-llama-cpp's own default is max(4, cores); more threads than cores collapse, because
    // llama.cpp's workers spin while they wait for each other (docs/benchmarks.md, row 2.t).
    const cores = runtime.llama.cpuMathCores
    const how = {
      requested: options.threads,
      onGpu: runtime.backend !== 'cpu' && model.gpuLayers > 0,
      cores,
      key: `${path}|${file.sizeBytes}|${cores}`,
    }
    // Timing the counts on busy cores can hold the engine's event loop up for seconds: the host's
    // heartbeat is told, and the status bar says what the engine is doing.
    const timing = how.requested <= 0 && !how.onGpu
    if (timing) options.onBlockingWork('Timing CPU threads')
    const threadChoice = await chooseThreads(model, how).finally(() => {
      if (timing) options.onBlockingWork(null)
    })
    const threads = threadChoice.count
    const batchSize = options.batchSize > 0 ? options.batchSize : undefined
    const context = await model.createContext({ contextSize, sequences: 1, threads, batchSize })
    const sequence = context.getSequence()
    const info: ModelInfo = {
      name: file.name ?? basename(path).replace(/\.gguf$/i, ''),
      fileName: basename(path),
      path,
      sizeBytes: file.sizeBytes,
      architecture: file.architecture,
      vocabSize: file.vocabSize,
      trainedContextSize: trained,
      contextSize: context.contextSize,
      isDemo: options.isDemo,
      sha256: null,
      threads: threadChoice,
    }
    registerTokenBytes(model, tokenBytesOf(file.header))
    return {
      info,
      model,
      context,
      sequence,
      async openBatch(count) {
        const batch = await model.createContext({
          contextSize: context.contextSize,
          sequences: count,
          threads,
          batchSize,
        })
        guardLogitReads(batch)
        const lockstep = lockstepColumns(batch, count)
        return {
          sequences: Array.from({ length: count }, () => batch.getSequence()),
          columnEnded: lockstep.columnEnded,
          dispose: () => batch.dispose(),
        }
      },
      openEmbedding(size) {
        return model.createEmbeddingContext({
          contextSize: Math.min(size, context.contextSize),
          threads,
          batchSize,
        })
      },
      async runBlocking(label, work) {
        options.onBlockingWork(label)
        // The notice has to leave the process before the event loop stops turning.
        await new Promise((resolve) => setImmediate(resolve))
        try {
          return work()
        } finally {
          options.onBlockingWork(null)
        }
      },
      async dispose() {
        await context.dispose()
        await model.dispose()
      },
    }
  } catch (error) {
    await model.dispose()
    throw new AppFailure({
      code: 'model-load-failed',
      message: `Could not create a context for ${basename(path)}: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'Try a smaller context size; the machine may not have enough memory.',
    })
  }
}

/** Why llama.cpp refused to load `path`, from its log since `mark`, as the caller's failure. */
export async function loadFailure(path: string, error: unknown, mark: number): Promise<AppFailure> {
  // llama.cpp's log lines reach JavaScript asynchronously, sometimes after the rejection.
  for (let wait = 0; wait < 10 && logSince(mark).length === 0; wait++)
    await new Promise((resolve) => setTimeout(resolve, 20))
  await new Promise((resolve) => setTimeout(resolve, 20))
  return new AppFailure({
    code: 'model-load-failed',
    message: `llama.cpp could not load ${basename(path)}: ${llamaReason(error, logSince(mark))}`,
    hint: 'The file may be damaged or use an architecture this llama.cpp build does not support.',
  })
}

/**
 * node-llama-cpp's error says only "Failed to load model"; llama.cpp says why in its log (an
 * unknown architecture, a tensor of the wrong shape): the error lines of this load are the reason.
 */
export function llamaReason(error: unknown, log: string[]): string {
  const thrown = error instanceof Error ? error.message : String(error)
  const said = log
    .filter((line) => /error|fail|wrong|missing|unknown|invalid|exceed/i.test(line))
    .filter((line) => !/falling back/i.test(line))
    .map((line) => line.replace(/^[a-z_]+:\s*/i, ''))
  const unique = [...new Set(said)].slice(-3)
  const reason = unique.length > 0 ? unique.join('; ') : thrown
  return reason.length > 400 ? `${reason.slice(0, 400)}…` : reason
}
