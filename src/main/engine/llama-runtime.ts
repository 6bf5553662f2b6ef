import nodeConsole from 'node:console'
import { join } from 'node:path'
import {
  getLlama,
  getLlamaGpuTypes,
  getModuleVersion,
  LlamaLogLevel,
  type Llama,
} from 'node-llama-cpp'
import type { ComputeBackend, EngineBinaryInfo } from '../../shared/engine-status'
import {
  chooseEngineBinary,
  describeEngineBinary,
  parseEngineBinaryPreference,
  type FastAttempt,
} from './engine-binary'
import { findFastBuild, loadFastLlama, readReference, selfCheck } from './fast-binary'
import {
  attemptError,
  gpuCandidates,
  gpuOutcome,
  parseGpuPreference,
  type GpuAttempt,
  type GpuMachine,
  type GpuPreference,
  type GpuType,
  type ParsedPreference,
} from './gpu-choice'

export interface LlamaRuntime {
  llama: Llama
  backend: ComputeBackend
  devices: string[]
  /** Set when a GPU backend was expected but could not start, so we run on CPU. */
  fallbackReason: string | null
  /** Which llama.cpp binary runs (prebuilt or this machine's fast build) and why. */
  binary: EngineBinaryInfo
}

/** llama.cpp's recent log lines (errors and warnings), to explain a refused load. */
const recentLog: Array<{ seq: number; text: string }> = []
let logSeq = 0
const maxLogLines = 40

/** Where the log is now: pass it to {@link logSince} to get what llama.cpp said after it. */
export function logMark(): number {
  return logSeq
}

/** llama.cpp's error and warning lines since `mark`, most telling (errors) last. */
export function logSince(mark: number): string[] {
  return recentLog.filter((line) => line.seq > mark).map((line) => line.text)
}

function logger(level: LlamaLogLevel, message: string): void {
  const text = message.trim()
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.warn) {
    if (text) {
      recentLog.push({ seq: ++logSeq, text: text.slice(0, 500) })
      if (recentLog.length > maxLogLines) recentLog.shift()
    }
    // Warnings are kept for explaining a failure but not printed (as before: errors only).
    if (level === LlamaLogLevel.error) nodeConsole.error(`[llama.cpp] ${text}`)
  }
}

export interface LlamaRuntimeOptions {
  /** The backend to use; by default `TOKENSCOPE_GPU`, else `auto`. */
  preferred?: GpuPreference
  /** The demo model, which the fast binary's self-check runs; without it the check fails. */
  demoModelPath?: string
}

/**
 * Starts llama.cpp on the best prebuilt backend (CUDA, Metal, Vulkan) and falls back to CPU.
 * Never builds llama.cpp from source: that needs a toolchain users do not have and takes many
 * minutes.
 *
 * node-llama-cpp's own `gpu: 'auto'` falls back silently, so each GPU backend the machine
 * appears to have is tried explicitly: when one fails, the user is told why. A machine without
 * GPU drivers tries none and hears nothing.
 */
export async function startLlamaRuntime(options: LlamaRuntimeOptions = {}): Promise<LlamaRuntime> {
  const parsed: ParsedPreference =
    options.preferred !== undefined
      ? { preference: options.preferred, problem: null }
      : parseGpuPreference(process.env.TOKENSCOPE_GPU)
  const machine = await describeMachine()
  const attempts: GpuAttempt[] = []
  let llama: Llama | null = null
  for (const gpu of gpuCandidates(parsed.preference, machine)) {
    const attempt = await tryGpu(gpu, machine.detected.includes(gpu))
    attempts.push({ gpu, error: attempt.error })
    if (attempt.llama) {
      llama = attempt.llama
      break
    }
  }
  let binary: EngineBinaryInfo
  if (llama) {
    binary = describeEngineBinary('prebuilt', 'the fast binary is CPU-only', null, null)
  } else {
    const fast = await startFast(options.demoModelPath)
    llama = fast.llama
    binary = fast.binary
  }
  llama ??= await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.warn, logger })
  const { fallbackReason } = gpuOutcome(parsed, machine, attempts)
  const backend: ComputeBackend = llama.gpu === false ? 'cpu' : llama.gpu
  const devices = backend === 'cpu' ? [] : await llama.getGpuDeviceNames().catch(() => [])
  return { llama, backend, devices, fallbackReason, binary }
}

/**
 * The fast CPU binary when `TOKENSCOPE_ENGINE_BINARY` allows it, one is built for this
 * node-llama-cpp, and it passes its self-check; else no llama, and the reason.
 */
async function startFast(demoModelPath: string | undefined) {
  const parsed = parseEngineBinaryPreference(process.env.TOKENSCOPE_ENGINE_BINARY)
  if (parsed.problem) nodeConsole.warn(`[engine] ${parsed.problem}`)
  let llama: Llama | null = null
  let attempt: FastAttempt | null = null
  const build = parsed.preference === 'prebuilt' ? null : findFastBuild(await getModuleVersion())
  if (build) {
    attempt = { build, failure: null }
    try {
      llama = await loadFastLlama(build, { logLevel: LlamaLogLevel.warn, logger })
      if (!demoModelPath) throw new Error('no demo model to check it with')
      attempt.failure = await selfCheck(llama, demoModelPath, readReference(build.folder))
    } catch (error) {
      attempt.failure = error instanceof Error ? error.message : String(error)
    }
    if (attempt.failure) {
      await llama?.dispose().catch(() => undefined)
      llama = null
    }
  }
  const choice = chooseEngineBinary(parsed.preference, attempt)
  const path = build ? join(build.folder, build.binary) : null
  return { llama, binary: describeEngineBinary(choice.use, choice.reason, build, path) }
}

async function describeMachine(): Promise<GpuMachine> {
  const gpusOnly = (types: readonly (GpuType | false)[]) =>
    types.filter((t): t is GpuType => t !== false)
  const [detected, valid] = await Promise.all([
    getLlamaGpuTypes('supported').catch(() => []),
    getLlamaGpuTypes('allValid').catch(() => []),
  ])
  const platform =
    process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : process.platform
  return { detected: gpusOnly(detected), valid: gpusOnly(valid), platform }
}

interface GpuTry {
  llama: Llama | null
  error: string | null
}

/** One backend, with what node-llama-cpp said about it on the console if it did not start. */
async function tryGpu(gpu: GpuType, detected: boolean): Promise<GpuTry> {
  const lines: string[] = []
  const stopCapture = captureConsole(lines)
  try {
    const llama = await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.warn, logger })
    if (llama.gpu === gpu) return { llama, error: null }
    await llama.dispose().catch(() => undefined)
    return { llama: null, error: attemptError(gpu, `it started as ${String(llama.gpu)}`, [], true) }
  } catch (error) {
    return { llama: null, error: attemptError(gpu, error, lines, detected) }
  } finally {
    stopCapture()
  }
}

/**
 * node-llama-cpp reports why a binary did not load only with console.warn/error, on the console
 * of `node:console` (not a replaced global one). The engine is its own process and starts
 * llama.cpp once, so the lines are copied while a backend starts (and still printed).
 */
function captureConsole(lines: string[]): () => void {
  const console = nodeConsole
  const { warn, error } = console
  const copy =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]) => {
      lines.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '))
      original(...args)
    }
  console.warn = copy(warn)
  console.error = copy(error)
  return () => {
    console.warn = warn
    console.error = error
  }
}
