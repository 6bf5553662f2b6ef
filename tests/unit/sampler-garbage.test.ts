import { describe, expect, it } from 'vitest'
import {
  collectDroppedSamplers,
  noteSamplerDropped,
  samplerBytesPending,
} from '../../src/main/engine/sampler-garbage'

const qwenVocabulary = 151_936
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A WeakRef to an object nothing else holds; V8 keeps it until the current job ends. */
function droppedObject(): WeakRef<object> {
  return new WeakRef({ buffer: new Array(1000).fill(0) })
}

describe('collecting the samplers node-llama-cpp drops', () => {
  it('counts 12 bytes a vocabulary token for each dropped sampler', () => {
    const before = samplerBytesPending()
    noteSamplerDropped(1000)
    const after = samplerBytesPending()
    // Unless that one call crossed the threshold and reset the count.
    if (after !== 0) expect(after - before).toBe(12_000)
  })

  it('collects garbage once 32 MiB of samplers were dropped, and starts counting again', async () => {
    const dropped = droppedObject()
    await nextTurn()
    // 19 samplers of a 152k vocabulary are 34.6 MB: more than 32 MiB, whatever was pending.
    for (let i = 0; i < 19 && samplerBytesPending() + qwenVocabulary * 12 < 32 * 2 ** 20; i++)
      noteSamplerDropped(qwenVocabulary)
    expect(dropped.deref()).toBeDefined()
    // deref() keeps the object alive until the current job ends.
    await nextTurn()
    noteSamplerDropped(qwenVocabulary)
    expect(samplerBytesPending()).toBe(0)
    expect(dropped.deref()).toBeUndefined()
  })

  it('collects at once what a finished Compare batch dropped, however little', async () => {
    noteSamplerDropped(2048)
    const dropped = droppedObject()
    await nextTurn()
    expect(samplerBytesPending()).toBeGreaterThan(0)
    collectDroppedSamplers()
    expect(samplerBytesPending()).toBe(0)
    await nextTurn()
    expect(dropped.deref()).toBeUndefined()
  })
})
