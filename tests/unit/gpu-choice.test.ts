import { describe, expect, it } from 'vitest'
import {
  attemptError,
  gpuCandidates,
  gpuOutcome,
  parseGpuPreference,
  type GpuMachine,
} from '../../src/main/engine/gpu-choice'

const cpuLaptop: GpuMachine = { detected: [], valid: ['cuda', 'vulkan'], platform: 'linux' }
const nvidiaBox: GpuMachine = {
  detected: ['cuda', 'vulkan'],
  valid: ['cuda', 'vulkan'],
  platform: 'linux',
}
const mac: GpuMachine = { detected: ['metal'], valid: ['metal', 'vulkan'], platform: 'mac' }
const auto = parseGpuPreference(undefined)
const notCompatible =
  '[node-llama-cpp] The prebuilt binary for platform "linux" "x64" with CUDA support is not compatible with the current system'

describe('parseGpuPreference', () => {
  it('defaults to auto, and reads the known values in any case', () => {
    expect(parseGpuPreference(undefined)).toEqual({ preference: 'auto', problem: null })
    expect(parseGpuPreference('  ')).toEqual({ preference: 'auto', problem: null })
    expect(parseGpuPreference('Vulkan')).toEqual({ preference: 'vulkan', problem: null })
    expect(parseGpuPreference('cpu').preference).toBe('cpu')
  })

  it('ignores an unknown value and says so', () => {
    const parsed = parseGpuPreference('nvidia')
    expect(parsed.preference).toBe('auto')
    expect(parsed.problem).toBe(
      'TOKENSCOPE_GPU="nvidia" is not one of auto, cpu, cuda, vulkan, metal; it was ignored.',
    )
  })
})

describe('gpuCandidates', () => {
  it('tries on auto only what the machine appears to have, best first', () => {
    expect(gpuCandidates('auto', cpuLaptop)).toEqual([])
    expect(gpuCandidates('auto', nvidiaBox)).toEqual(['cuda', 'vulkan'])
  })

  it('tries an explicit choice even without a detected driver, but not one of another platform', () => {
    expect(gpuCandidates('vulkan', cpuLaptop)).toEqual(['vulkan'])
    expect(gpuCandidates('metal', cpuLaptop)).toEqual([])
    expect(gpuCandidates('cpu', nvidiaBox)).toEqual([])
  })
})

describe('gpuOutcome', () => {
  it('stays silent on a machine that simply has no GPU', () => {
    expect(gpuOutcome(auto, cpuLaptop, [])).toEqual({ backend: 'cpu', fallbackReason: null })
  })

  it('stays silent when the best backend started', () => {
    expect(gpuOutcome(auto, nvidiaBox, [{ gpu: 'cuda', error: null }])).toEqual({
      backend: 'cuda',
      fallbackReason: null,
    })
  })

  it('says which detected backend failed, with its error, and what runs instead', () => {
    const outcome = gpuOutcome(auto, nvidiaBox, [
      { gpu: 'cuda', error: 'no CUDA-capable device is detected.' },
      { gpu: 'vulkan', error: null },
    ])
    expect(outcome).toEqual({
      backend: 'vulkan',
      fallbackReason:
        'CUDA could not start: no CUDA-capable device is detected. Running on Vulkan.',
    })
  })

  it('lists every failure before falling back to the CPU', () => {
    const outcome = gpuOutcome(auto, nvidiaBox, [
      { gpu: 'cuda', error: 'driver too old' },
      { gpu: 'vulkan', error: 'no device' },
    ])
    expect(outcome.backend).toBe('cpu')
    expect(outcome.fallbackReason).toBe(
      'CUDA could not start: driver too old. Vulkan could not start: no device. Running on CPU.',
    )
  })

  it('explains a backend that does not exist on this platform', () => {
    expect(gpuOutcome(parseGpuPreference('metal'), cpuLaptop, []).fallbackReason).toBe(
      'Metal is not available on Linux. Running on CPU.',
    )
    expect(gpuOutcome(parseGpuPreference('cuda'), mac, []).fallbackReason).toBe(
      'CUDA is not available on this Mac. Running on CPU.',
    )
  })

  it('mentions an ignored TOKENSCOPE_GPU value even when all went well', () => {
    const outcome = gpuOutcome(parseGpuPreference('gpu'), cpuLaptop, [])
    expect(outcome.backend).toBe('cpu')
    expect(outcome.fallbackReason).toMatch(
      /^TOKENSCOPE_GPU="gpu" is not one of .* Running on CPU\.$/,
    )
  })

  it('is silent when the CPU was asked for', () => {
    expect(gpuOutcome(parseGpuPreference('cpu'), nvidiaBox, [])).toEqual({
      backend: 'cpu',
      fallbackReason: null,
    })
  })
})

describe('attemptError', () => {
  it("prefers node-llama-cpp's console lines to its bare error class name", () => {
    expect(attemptError('cuda', new Error('NoBinaryFoundError'), [notCompatible], true)).toBe(
      'the prebuilt binary for platform "linux" "x64" with CUDA support is not compatible with the current system',
    )
  })

  it('drops the colours node-llama-cpp gives its prefix in a terminal', () => {
    const coloured = notCompatible.replace(
      '[node-llama-cpp]',
      '\u001b[90m[node-llama-cpp]\u001b[39m',
    )
    expect(attemptError('cuda', new Error('NoBinaryFoundError'), [coloured], true)).toBe(
      'the prebuilt binary for platform "linux" "x64" with CUDA support is not compatible with the current system',
    )
  })

  it('adds that no driver was found when the backend was not detected', () => {
    expect(attemptError('vulkan', new Error('NoBinaryFoundError'), [], false)).toBe(
      'no usable prebuilt binary was found (no Vulkan driver was found on this machine)',
    )
  })

  it('keeps a meaningful thrown message, drops fallback notes and repeats', () => {
    const lines = [
      '[node-llama-cpp] Failed to load a prebuilt binary with CUDA support, falling back to using Vulkan. Error: libcuda.so.1: cannot open shared object file',
      '[node-llama-cpp] Failed to load a prebuilt binary with CUDA support, falling back to using Vulkan. Error: libcuda.so.1: cannot open shared object file',
    ]
    expect(attemptError('cuda', new Error('CUDA init failed'), lines, true)).toBe(
      'failed to load a prebuilt binary with CUDA support. Error: libcuda.so.1: cannot open shared object file; CUDA init failed',
    )
  })
})
