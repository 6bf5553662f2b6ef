import { stat } from 'node:fs/promises'
import type { LlamaModel } from 'node-llama-cpp'
import { logMark, type LlamaRuntime } from './llama-runtime'
import { loadFailure } from './model-session'
import { preflightModelFile } from './model-preflight'
import { registerTokenBytes, tokenBytesOf } from './token-bytes'

/** Vocabularies kept at once: a comparison shows at most three. */
const keep = 3
/** A vocabulary nobody asked for this long is freed. */
const idleMs = 5 * 60_000

interface Entry {
  model: Promise<LlamaModel>
  usedAt: number
}

/**
 * GGUF files opened for their tokenizer only (llama.cpp's vocab-only load: the header and the
 * vocabulary, no weights, no context), for the Tokenizer's comparison. They live apart from the
 * loaded model, which they never touch; the least recently used go first, and all go when idle.
 */
export class VocabModels {
  private readonly entries = new Map<string, Entry>()
  private idleTimer: ReturnType<typeof setTimeout> | null = null

  /** The vocabulary of the file at `path`, opened on first use; a bad file is a clear failure. */
  async get(runtime: LlamaRuntime, path: string): Promise<LlamaModel> {
    // A file replaced on disk (another size or time) is opened again; one already open skips
    // the header check, which reads megabytes for a large vocabulary.
    const info = await stat(path).catch(() => null)
    const key = info?.isFile() ? `${path}\u0000${info.size}\u0000${info.mtimeMs}` : null
    if (key === null) {
      // Says why: no file there, a folder, something that is not a regular file.
      await preflightModelFile(path)
      throw new Error(`${path} is not a regular file`)
    }
    let entry = this.entries.get(key)
    if (!entry) {
      // Claimed before any await, so two requests for one file share one load.
      const model = preflightModelFile(path).then((facts) => open(runtime, path, facts.header))
      entry = { model, usedAt: performance.now() }
      this.entries.set(key, entry)
      // A failed open is not kept: the next request tries again.
      model.catch(() => {
        if (this.entries.get(key)?.model === model) this.entries.delete(key)
      })
      this.evict()
    }
    entry.usedAt = performance.now()
    this.armIdleTimer()
    return entry.model
  }

  /** Frees every vocabulary. */
  async disposeAll(): Promise<void> {
    const models = [...this.entries.values()].map((e) => e.model)
    this.entries.clear()
    await Promise.all(models.map((m) => m.then((model) => model.dispose()).catch(() => undefined)))
  }

  get size(): number {
    return this.entries.size
  }

  private evict() {
    while (this.entries.size > keep) {
      const [oldestKey, oldest] = [...this.entries].reduce((a, b) =>
        b[1].usedAt < a[1].usedAt ? b : a,
      )
      this.entries.delete(oldestKey)
      void oldest.model.then((model) => model.dispose()).catch(() => undefined)
    }
  }

  private armIdleTimer() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => void this.disposeAll(), idleMs)
    this.idleTimer.unref?.()
  }
}

async function open(
  runtime: LlamaRuntime,
  path: string,
  header: Parameters<typeof tokenBytesOf>[0],
): Promise<LlamaModel> {
  const mark = logMark()
  try {
    const model = await runtime.llama.loadModel({ modelPath: path, vocabOnly: true })
    registerTokenBytes(model, tokenBytesOf(header))
    return model
  } catch (error) {
    throw await loadFailure(path, error, mark)
  }
}
