import type { EngineStatus, ModelInfo } from '../../shared/engine-status'
import { AppFailure, toAppError } from '../../shared/errors'
import { loadModelRequestSchema, type ModelSource } from '../../shared/schemas'
import { hashFile } from '../util/hash-file'
import type { EngineLock } from './engine-lock'
import { startLlamaRuntime, type LlamaRuntime } from './llama-runtime'
import { openModelSession, type ModelSession, type OpenOptions } from './model-session'
import { readModelCard } from './model-scan'
import { refuseIfTooLarge } from './model-guard'
import { validate } from './validate'

export interface ModelSlotOptions {
  demoModelPath: string
  lock: EngineLock
  publish: (change: Partial<EngineStatus>) => void
}

/**
 * The engine's llama.cpp runtime and the one model it holds: starting the runtime, loading a model
 * in place of the current one (through the lock's switch, so no run uses a disposed context), and
 * unloading it.
 */
export function createModelSlot({ demoModelPath, lock, publish }: ModelSlotOptions) {
  let runtime: Promise<LlamaRuntime> | null = null
  let session: ModelSession | null = null
  /** How the current model was opened, to open it again when a load that replaces it fails. */
  let currentLoad: { path: string; options: OpenOptions } | null = null
  const onBlockingWork = (label: string | null) => publish({ blockedBy: label })

  const getRuntime = () => {
    runtime ??= startLlamaRuntime({ demoModelPath }).then((r) => {
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

  const pathOf = (source: ModelSource) => (source.kind === 'demo' ? demoModelPath : source.path)

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

  async function unload(): Promise<void> {
    await lock.switchModel(
      'unload',
      async () => undefined,
      async () => {
        await dropSession()
        currentLoad = null
        publish({ model: null })
      },
    )
  }

  return { getRuntime, pathOf, requireSession, currentSession: () => session, load, unload }
}

export type ModelSlot = ReturnType<typeof createModelSlot>
