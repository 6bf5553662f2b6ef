import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp'
import type { ComputeBackend } from '../../shared/contract'

export interface LlamaRuntime {
  llama: Llama
  backend: ComputeBackend
  devices: string[]
  /** Set when a GPU backend was expected but could not start, so we run on CPU. */
  fallbackReason: string | null
}

/**
 * Picks the best prebuilt backend (CUDA, Metal, Vulkan) and falls back to CPU. Never builds
 * llama.cpp from source: that needs a toolchain users do not have and takes many minutes.
 */
export async function startLlamaRuntime(): Promise<LlamaRuntime> {
  let fallbackReason: string | null = null
  let llama: Llama
  try {
    llama = await getLlama({ gpu: 'auto', build: 'never', logLevel: LlamaLogLevel.error })
  } catch (error) {
    fallbackReason = `GPU backend unavailable (${error instanceof Error ? error.message : String(error)}); using CPU`
    llama = await getLlama({ gpu: false, build: 'never' })
  }
  const backend: ComputeBackend = llama.gpu === false ? 'cpu' : llama.gpu
  const devices = backend === 'cpu' ? [] : await llama.getGpuDeviceNames().catch(() => [])
  return { llama, backend, devices, fallbackReason }
}
