import type { LlamaContext } from 'node-llama-cpp'

type Native = (...args: unknown[]) => Promise<unknown>

interface AddonContext {
  decodeBatch: Native
  sampleToken: Native
}

/**
 * In a batch of several sequences llama.cpp may order the outputs by sequence, and puts them
 * back in the batch's order lazily: the first read of any logits after a decode applies a list
 * of row swaps and clears it (`llama_context::output_reorder`), without a lock. node-llama-cpp
 * samples each sequence of a Compare batch on a worker thread of its own, at the same time, so
 * two first reads can both apply the swaps (which undoes them) or read rows halfway through: a
 * column then gets another column's distribution. Here the first read after each decode runs
 * alone and the others wait for it; after it, reads run side by side as before.
 */
export function guardLogitReads(context: LlamaContext): void {
  const addon = (context as unknown as { _ctx?: AddonContext })._ctx
  if (!addon || typeof addon.decodeBatch !== 'function' || typeof addon.sampleToken !== 'function')
    throw new Error('this node-llama-cpp cannot be guarded (its internals changed)')
  const decode = addon.decodeBatch.bind(addon)
  const sample = addon.sampleToken.bind(addon)
  // The first read since the last decode, or null before it is made.
  let first: Promise<unknown> | null = null
  // The addon's methods sit read-only on its prototype: these are the instance's own.
  Object.defineProperty(addon, 'decodeBatch', {
    configurable: true,
    value: async (...args: unknown[]) => {
      first = null
      return decode(...args)
    },
  })
  Object.defineProperty(addon, 'sampleToken', {
    configurable: true,
    value: (...args: unknown[]) => {
      if (!first) {
        const read = sample(...args)
        first = read.catch(() => undefined)
        return read
      }
      return first.then(() => sample(...args))
    },
  })
}
