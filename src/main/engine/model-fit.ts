import { freemem, totalmem } from 'node:os'
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp'
import type { HardwareInfo, MemoryFit } from '../../shared/models'
import { limits, type LoadOptions } from '../../shared/schemas'
import {
  contextWarning,
  readTrainedContext,
  type ArchitectureMetadata,
  type TrainedContext,
} from './context-fit'
import type { LlamaRuntime } from './llama-runtime'

const defaultContextCap = 4096
// Leave room for the OS and the app itself: a model that takes all of RAM makes the machine swap.
const usableRamShare = 0.9

/** Memory in bytes, in RAM and on the GPU. */
interface Need {
  ram: number
  vram: number
}

/**
 * The memory a model needs, from its header: the model with its main context, and a Compare
 * batch context of so many columns on top (each column as large as the main context).
 */
export interface MemoryPlan {
  contextSize: number
  trained: TrainedContext
  gpuLayers: number
  hardware: HardwareInfo
  load: Need
  batch(columns: number): Need
  fits(need: Need): { ramOk: boolean; vramOk: boolean }
}

export async function planMemory(
  runtime: LlamaRuntime,
  path: string,
  options: { contextSize: number; gpuLayers: LoadOptions['gpuLayers'] | number },
): Promise<MemoryPlan> {
  const fileInfo = await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false })
  const insights = await GgufInsights.from(fileInfo, runtime.llama)
  const contextSize = resolveContextSize(options.contextSize, insights.trainContextSize)
  const gpuLayers =
    runtime.backend === 'cpu'
      ? 0
      : typeof options.gpuLayers === 'number'
        ? options.gpuLayers
        : await resolveGpuLayers(insights, options.gpuLayers)
  const contextNeed = (sequences: number): Need => {
    const need = insights.estimateContextResourceRequirements({
      contextSize,
      modelGpuLayers: gpuLayers,
      sequences,
    })
    return { ram: need.cpuRam, vram: need.gpuVram }
  }
  const model = insights.estimateModelResourceRequirements({ gpuLayers })
  const main = contextNeed(1)
  const hardware = await readHardware(runtime)
  return {
    contextSize,
    trained: readTrainedContext(fileInfo.architectureMetadata as ArchitectureMetadata),
    gpuLayers,
    hardware,
    load: { ram: model.cpuRam + main.ram, vram: model.gpuVram + main.vram },
    batch: contextNeed,
    fits: (need) => ({
      ramOk: need.ram <= hardware.ramTotal * usableRamShare,
      vramOk: need.vram === 0 || need.vram <= hardware.vramTotal,
    }),
  }
}

/** Resolves the load options into numbers and estimates the memory they need. */
export async function estimateFit(
  runtime: LlamaRuntime,
  path: string,
  options: Required<LoadOptions>,
): Promise<MemoryFit> {
  const plan = await planMemory(runtime, path, options)
  const { contextSize, gpuLayers, hardware } = plan
  const ramNeeded = plan.load.ram
  const vramNeeded = plan.load.vram
  const { ramOk, vramOk } = plan.fits(plan.load)
  // Compare's context exists only while a comparison runs: it does not decide whether the model
  // loads, but the user hears before loading when the widest comparison would not fit.
  const columns = limits.parallelRuns
  const batch = plan.batch(columns)
  const withBatch = plan.fits({ ram: ramNeeded + batch.ram, vram: vramNeeded + batch.vram })
  const compareFits = withBatch.ramOk && withBatch.vramOk
  const warning = contextWarning(contextSize, plan.trained)
  // Memory is only half the answer when the model was not trained for that many positions.
  const beyondTraining = warning !== null
  const explanation = !ramOk
    ? `Needs about ${gib(ramNeeded)} of RAM with a ${contextSize}-token context, but this machine has ${gib(hardware.ramTotal)}. Choose a smaller context or a more quantized file.`
    : !vramOk
      ? `Needs about ${gib(vramNeeded)} of GPU memory for ${gpuLayers} layers, but the GPU has ${gib(hardware.vramTotal)}. Offload fewer layers.`
      : `Fits${beyondTraining ? ' in memory' : ''}: about ${gib(ramNeeded)} of RAM${vramNeeded > 0 ? ` and ${gib(vramNeeded)} of GPU memory` : ''} for a ${contextSize}-token context.${compareFits ? '' : ` Comparing ${columns} columns would need about ${gib(batch.ram + batch.vram)} more, which does not fit: compare fewer columns or choose a smaller context.`}`
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
    compare: { columns, ramNeeded: batch.ram, vramNeeded: batch.vram, fits: compareFits },
    explanation,
    trainedContextSize: plan.trained.size,
    contextWarning: warning,
  }
}

export const gib = (bytes: number) =>
  bytes < 1024 ** 3
    ? `${Math.ceil(bytes / 1024 ** 2)} MiB`
    : `${(bytes / 1024 ** 3).toFixed(1)} GiB`

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
