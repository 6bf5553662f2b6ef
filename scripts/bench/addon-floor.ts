/**
 * Row 2.peer.demo.floor: the fastest any loop on node-llama-cpp's addon can be. It drives the
 * addon with no JavaScript of node-llama-cpp's or ours in between: per token, one decode and one
 * sampling (with the probabilities head where the binary has it), each run on libuv's pool, so
 * each a thread hop there and back. On a model as small as the demo's, those hops, not the
 * model, bound the engine; llama-server decodes and samples on one thread.
 */
import type { Llama } from 'node-llama-cpp'
import type { AddonContext, AddonSampler } from '../../src/main/engine/addon-internals'

/** The batch methods node-llama-cpp's own loop calls, beside the engine's `sampleToken`. */
interface RawAddon extends AddonContext {
  initBatch(size: number): void
  addToBatch(sequence: number, first: number, tokens: Uint32Array, logits: Uint32Array): Uint32Array
  decodeBatch(): Promise<void>
  removeTokenCellsFromSequence(sequence: number, start: number, end: number): boolean
  setProbabilitiesHead?: (top: number, mass: number, minRatio: number) => void
}

export interface AddonFloor {
  /** Tokens per second of `tokens` greedy steps after `prompt`. */
  rate(prompt: string, tokens: number): Promise<number>
  dispose(): Promise<void>
}

export async function openAddonFloor(
  llama: Llama,
  modelPath: string,
  options: { threads: number; contextSize: number; topN: number },
): Promise<AddonFloor> {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 })
  const context = await model.createContext({
    contextSize: options.contextSize,
    sequences: 1,
    threads: options.threads,
  })
  const sequence = context.getSequence() as unknown as {
    _resolveSamplerConfig(options: object): Record<string, unknown>
  }
  const addon = (context as unknown as { _ctx: RawAddon })._ctx
  const { AddonSampler: Sampler } = (
    llama as unknown as { _bindings: { AddonSampler: new (model: unknown) => AddonSampler } }
  )._bindings
  const sampler = new Sampler((model as unknown as { _model: unknown })._model)
  sampler.applyConfig(sequence._resolveSamplerConfig({ temperature: 0 }))
  addon.setProbabilitiesHead?.(options.topN, 1, 0)
  return {
    async rate(prompt, tokens) {
      addon.removeTokenCellsFromSequence(0, 0, -1)
      const ids = model.tokenize(prompt, true)
      addon.initBatch(ids.length)
      let index = addon.addToBatch(0, 0, Uint32Array.from(ids), Uint32Array.of(ids.length - 1))
      await addon.decodeBatch()
      let [token] = await addon.sampleToken(index[0] ?? 0, sampler, true, false)
      const startedAt = performance.now()
      for (let position = ids.length; position < ids.length + tokens; position++) {
        addon.initBatch(1)
        index = addon.addToBatch(0, position, Uint32Array.of(token), Uint32Array.of(0))
        await addon.decodeBatch()
        ;[token] = await addon.sampleToken(index[0] ?? 0, sampler, true, false)
      }
      return (tokens * 1000) / (performance.now() - startedAt)
    },
    async dispose() {
      sampler.dispose()
      await context.dispose()
      await model.dispose()
    },
  }
}
