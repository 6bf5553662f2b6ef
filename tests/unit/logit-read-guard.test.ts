import type { LlamaContext } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { guardLogitReads } from '../../src/main/engine/logit-read-guard'

/** Stands in for the addon's context: records when each read starts and ends. */
function recordingAddon() {
  const log: string[] = []
  const finishers: (() => void)[] = []
  // Like the addon's own methods, these sit read-only on the prototype.
  const methods = {
    decodeBatch: async () => {
      log.push('decode')
    },
    sampleToken: (index: unknown) => {
      log.push(`start ${String(index)}`)
      return new Promise<void>((resolve) =>
        finishers.push(() => {
          log.push(`end ${String(index)}`)
          resolve()
        }),
      )
    },
  }
  const prototype = Object.defineProperties(
    {},
    Object.fromEntries(
      Object.entries(methods).map(([name, value]) => [name, { value, writable: false }]),
    ),
  )
  const addon = Object.create(prototype) as typeof methods
  return { addon, log, finishers, context: { _ctx: addon } as unknown as LlamaContext }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('reading a batch of several sequences', () => {
  it('makes the first read after each decode alone, then lets the rest run side by side', async () => {
    const { addon, log, finishers, context } = recordingAddon()
    guardLogitReads(context)
    await addon.decodeBatch()
    const reads = [0, 1, 2].map((i) => addon.sampleToken(i))
    await settle()
    expect(log).toEqual(['decode', 'start 0'])
    finishers.shift()?.()
    await settle()
    expect(log).toEqual(['decode', 'start 0', 'end 0', 'start 1', 'start 2'])
    finishers.splice(0).forEach((finish) => finish())
    await Promise.all(reads)

    // The next decode brings a new first read.
    await addon.decodeBatch()
    const next = [3, 4].map((i) => addon.sampleToken(i))
    await settle()
    expect(log.slice(-2)).toEqual(['decode', 'start 3'])
    finishers.splice(0).forEach((finish) => finish())
    await settle()
    finishers.splice(0).forEach((finish) => finish())
    await Promise.all(next)
    expect(log.slice(-4)).toEqual(['start 3', 'end 3', 'start 4', 'end 4'])
  })

  it('lets the other reads go on when the first one fails', async () => {
    const context = {
      _ctx: {
        decodeBatch: async () => undefined,
        sampleToken: async (index: unknown) => {
          if (index === 0) throw new Error('no logits')
          return index
        },
      },
    }
    guardLogitReads(context as unknown as LlamaContext)
    const addon = context._ctx
    await addon.decodeBatch()
    const first = addon.sampleToken(0)
    await expect(first).rejects.toThrow('no logits')
    await expect(addon.sampleToken(1)).resolves.toBe(1)
  })
})
