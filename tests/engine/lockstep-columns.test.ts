import type { LlamaContext, LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lockstepColumns } from '../../src/main/engine/lockstep-columns'
import { engineLlama } from '../helpers/engine-llama'
import { demoModelPath } from '../helpers/engine-harness'

let model: LlamaModel

beforeAll(async () => {
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath, gpuLayers: 0 })
})
afterAll(() => model.dispose())

/** The token count of each batch the context hands llama.cpp, in order. */
function countBatches(context: LlamaContext): number[] {
  const addon = (context as unknown as { _ctx: { initBatch(size: number): void } })._ctx
  const initBatch = addon.initBatch.bind(addon)
  const sizes: number[] = []
  Object.defineProperty(addon, 'initBatch', {
    configurable: true,
    value: (size: number) => {
      sizes.push(size)
      return initBatch(size)
    },
  })
  return sizes
}

/**
 * A column as the engine runs one: greedy tokens, with work of its own between them (an event
 * loop turn, as the engine's events and bookkeeping take), until `count` tokens.
 */
async function column(sequence: LlamaContextSequence, count: number, onEnd: () => void) {
  const prompt = model.tokenize('The sampler chain', true)
  let made = 0
  try {
    for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
      void token
      await new Promise((resolve) => setImmediate(resolve))
      if (++made >= count) break
    }
  } finally {
    onEnd()
  }
  return made
}

describe('Compare columns decode in lockstep', () => {
  it('decodes every running column in each batch after the prompt', async () => {
    const context = await model.createContext({ contextSize: 512, sequences: 4 })
    const sizes = countBatches(context)
    const lockstep = lockstepColumns(context, 4)
    const sequences = Array.from({ length: 4 }, () => context.getSequence())
    const made = await Promise.all(sequences.map((s) => column(s, 12, lockstep.columnEnded)))
    await context.dispose()
    expect(made).toEqual([12, 12, 12, 12])
    // The prompt of every column in one batch, then 11 steps of four tokens each.
    expect(sizes.slice(1)).toEqual(Array(11).fill(4))
  })

  it('stops waiting for a column that ended, so the others go on at once', async () => {
    const context = await model.createContext({ contextSize: 512, sequences: 3 })
    const sizes = countBatches(context)
    // A wait longer than the test's timeout: a batch waiting for the ended column never comes.
    const lockstep = lockstepColumns(context, 3, 10 * 60_000)
    const [short, ...long] = Array.from({ length: 3 }, () => context.getSequence())
    const made = await Promise.all([
      column(short!, 3, lockstep.columnEnded),
      ...long.map((s) => column(s, 10, lockstep.columnEnded)),
    ])
    await context.dispose()
    expect(made).toEqual([3, 10, 10])
    expect(sizes.slice(1, 3)).toEqual([3, 3])
    expect(sizes.slice(3)).toEqual(Array(7).fill(2))
  })
})
