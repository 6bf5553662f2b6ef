import { freemem, totalmem } from 'node:os'
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp'
import type { HardwareInfo, MemoryFit } from '../../shared/models'
import type { LoadOptions } from '../../shared/schemas'
import type { LlamaRuntime } from './llama-runtime'

const defaultContextCap = 4096
// Leave room for the OS and the app itself: a model that takes all of RAM makes the machine swap.
const usableRamShare = 0.9

/** Resolves the load options into numbers and estimates the memory they need. */
export async function estimateFit(
  runtime: LlamaRuntime,
  path: string,
  options: Required<LoadOptions>,
): Promise<MemoryFit> {
  const fileInfo = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false })
  const insights = await GgufInsights.from(fileInfo, runtime.llama)
  const contextSize = resolveContextSize(options.contextSize, insights.trainContextSize)
  const gpuLayers =
    runtime.backend === 'cpu' ? 0 : await resolveGpuLayers(insights, options.gpuLayers)
  const model = insights.estimateModelResourceRequirements({ gpuLayers })
  const context = insights.estimateContextResourceRequirements({
    contextSize,
    modelGpuLayers: gpuLayers,
  })
  const hardware = await readHardware(runtime)
  const ramNeeded = model.cpuRam + context.cpuRam
  const vramNeeded = model.gpuVram + context.gpuVram
  const ramOk = ramNeeded <= hardware.ramTotal * usableRamShare
  const vramOk = vramNeeded === 0 || vramNeeded <= hardware.vramTotal
  const gib = (bytes: number) =>
    bytes < 1024 ** 3
      ? `${Math.ceil(bytes / 1024 ** 2)} MiB`
      : `${(bytes / 1024 ** 3).toFixed(1)} GiB`
  const explanation = !ramOk
    ? `Needs about ${gib(ramNeeded)} of RAM with a ${contextSize}-token context, but this machine has ${gib(hardware.ramTotal)}. Choose a smaller context or a more quantized file.`
    : !vramOk
      ? `Needs about ${gib(vramNeeded)} of GPU memory for ${gpuLayers} layers, but the GPU has ${gib(hardware.vramTotal)}. Offload fewer layers.`
      : `Fits: about ${gib(ramNeeded)} of RAM${vramNeeded > 0 ? ` and ${gib(vramNeeded)} of GPU memory` : ''} for a ${contextSize}-token context.`
  return {
    gpuLayers,
    contextSize,
    ramNeeded,
    vramNeeded,
    ramTotal: hardware.ramTotal,
    ramFree: hardware.ramFree,
    vramTotal: hardware.vramTotal,
    vramFree: hardware.vramFree,
    fits: ramOk && vramOk,
    explanation,
  }
}

async function resolveGpuLayers(
  insights: GgufInsights,
  wanted: LoadOptions['gpuLayers'],
): Promise<number> {
  const resolved = await insights.configurationResolver
    .resolveModelGpuLayersV2(wanted ?? 'auto', { ignoreMemorySafetyChecks: true })
    .catch(() => 0)
  return typeof resolved === 'number' ? resolved : resolved.gpuLayers
}

export function resolveContextSize(requested: number, trained: number | undefined): number {
  if (requested > 0) return requested
  return Math.min(trained ?? defaultContextCap, defaultContextCap)
}

export async function readHardware(runtime: LlamaRuntime): Promise<HardwareInfo> {
  const vram =
    runtime.backend === 'cpu' ? null : await runtime.llama.getVramState().catch(() => null)
  return {
    backend: runtime.backend,
    devices: runtime.devices,
    cpuThreads: runtime.llama.cpuMathCores,
    ramTotal: totalmem(),
    ramFree: freemem(),
    vramTotal: vram?.total ?? 0,
    vramFree: vram?.free ?? 0,
  }
}
