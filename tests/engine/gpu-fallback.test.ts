/**
 * A GPU backend that cannot start here (this machine has no such driver) is asked for
 * explicitly, as `TOKENSCOPE_GPU=vulkan` would: the failure becomes a fallback reason for the
 * user, and llama.cpp still runs on the CPU.
 */
import { getLlamaGpuTypes } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import { demoModelPath } from '../helpers/engine-harness'

const detected = await getLlamaGpuTypes('supported')
// A backend whose driver node-llama-cpp does not find cannot start; on a GPU machine, skip it.
const unusable = (['vulkan', 'cuda'] as const).filter((gpu) => !detected.includes(gpu))

describe('GPU fallback', () => {
  it.each(unusable)(
    'turns a %s that cannot start into a reason, and runs on the CPU',
    async (gpu) => {
      const runtime = await startLlamaRuntime({ preferred: gpu })
      const name = gpu === 'cuda' ? 'CUDA' : 'Vulkan'
      expect(runtime.backend).toBe('cpu')
      expect(runtime.devices).toEqual([])
      expect(runtime.fallbackReason).toMatch(
        new RegExp(`^${name} could not start: .{10,}\\. Running on CPU\\.$`),
      )
      // The underlying error, not node-llama-cpp's bare error class name.
      expect(runtime.fallbackReason).not.toContain('NoBinaryFoundError')
      expect(runtime.fallbackReason).toContain(`with ${name} support`)

      const model = await runtime.llama.loadModel({ modelPath: demoModelPath })
      try {
        const context = await model.createContext({ contextSize: 256 })
        const sequence = context.getSequence()
        const tokens = model.tokenize('The model predicts')
        expect(tokens.length).toBeGreaterThan(0)
        const next = await sequence.controlledEvaluate([
          ...tokens.slice(0, -1),
          [tokens.at(-1)!, { generateNext: { probabilities: true } }],
        ])
        expect(next.at(-1)?.next?.probabilities?.size).toBeGreaterThan(0)
        await context.dispose()
      } finally {
        await model.dispose()
      }
    },
  )

  it('asks for nothing on a machine without GPU drivers, and says nothing', async () => {
    const runtime = await startLlamaRuntime({ preferred: 'auto' })
    // Which backend a GPU machine ends on, and why, is gpuOutcome's (unit-tested with each case);
    // here the machine decides what can be asserted.
    if (detected.some((t) => t !== false)) {
      expect(runtime.backend === 'cpu' ? runtime.fallbackReason : 'ran on a GPU').not.toBeNull()
      return
    }
    expect(runtime.backend).toBe('cpu')
    expect(runtime.fallbackReason).toBeNull()
  })

  it('runs on the CPU without a word when the CPU is asked for', async () => {
    const runtime = await startLlamaRuntime({ preferred: 'cpu' })
    expect(runtime.backend).toBe('cpu')
    expect(runtime.fallbackReason).toBeNull()
  })
})
