import { stripVTControlCharacters } from 'node:util'
import type { ComputeBackend } from '../../shared/engine-status'

/**
 * Which compute backend to start, and what to tell the user when a GPU backend does not start.
 * Pure: llama-runtime.ts feeds it what node-llama-cpp detected and what each attempt did.
 */

export type GpuType = Exclude<ComputeBackend, 'cpu'>

/** What the user asked for (`TOKENSCOPE_GPU`): a backend, `cpu`, or `auto` (the default). */
export type GpuPreference = 'auto' | ComputeBackend

const preferences: readonly GpuPreference[] = ['auto', 'cpu', 'cuda', 'vulkan', 'metal']

export const gpuNames: Record<ComputeBackend, string> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  vulkan: 'Vulkan',
  metal: 'Metal',
}

export interface ParsedPreference {
  preference: GpuPreference
  /** Set when the value was not understood: it is ignored, and the user hears why. */
  problem: string | null
}

export function parseGpuPreference(value: string | undefined): ParsedPreference {
  const wanted = (value ?? '').trim().toLowerCase()
  if (wanted === '') return { preference: 'auto', problem: null }
  const preference = preferences.find((p) => p === wanted)
  if (preference) return { preference, problem: null }
  return {
    preference: 'auto',
    problem: `TOKENSCOPE_GPU="${value ?? ''}" is not one of ${preferences.join(', ')}; it was ignored.`,
  }
}

export interface GpuMachine {
  /** GPU types whose drivers node-llama-cpp found on this machine (`getLlamaGpuTypes('supported')`). */
  detected: readonly GpuType[]
  /** GPU types that exist for this platform at all (`getLlamaGpuTypes('allValid')`). */
  valid: readonly GpuType[]
  /** For messages, e.g. "linux". */
  platform: string
}

/**
 * The GPU backends to try, best first; CPU comes after them. `auto` tries only what the machine
 * appears to have, so a plain CPU machine tries nothing and hears nothing.
 */
export function gpuCandidates(preference: GpuPreference, machine: GpuMachine): GpuType[] {
  if (preference === 'cpu') return []
  if (preference === 'auto') return [...machine.detected]
  return machine.valid.includes(preference) ? [preference] : []
}

export interface GpuAttempt {
  gpu: GpuType
  /** Why it did not start; null when it started. */
  error: string | null
}

export interface GpuOutcome {
  backend: ComputeBackend
  /** One or two sentences for the user; null when nothing they wanted was lost. */
  fallbackReason: string | null
}

/** What runs, and why not something better: the first attempt that started wins, else CPU. */
export function gpuOutcome(
  parsed: ParsedPreference,
  machine: GpuMachine,
  attempts: readonly GpuAttempt[],
): GpuOutcome {
  const started = attempts.find((a) => a.error === null)
  const backend: ComputeBackend = started ? started.gpu : 'cpu'
  const notes: string[] = []
  if (parsed.problem) notes.push(parsed.problem)
  const { preference } = parsed
  if (preference !== 'auto' && preference !== 'cpu' && !machine.valid.includes(preference)) {
    notes.push(`${gpuNames[preference]} is not available on ${platformName(machine.platform)}.`)
  }
  for (const attempt of attempts) {
    if (attempt === started) break
    notes.push(`${gpuNames[attempt.gpu]} could not start: ${withoutPeriod(attempt.error ?? '')}.`)
  }
  if (notes.length === 0) return { backend, fallbackReason: null }
  return { backend, fallbackReason: `${notes.join(' ')} Running on ${gpuNames[backend]}.` }
}

const driverNotes: Record<GpuType, string> = {
  cuda: 'no NVIDIA driver with the CUDA runtime was found on this machine',
  vulkan: 'no Vulkan driver was found on this machine',
  metal: 'Metal needs an Apple Silicon Mac',
}

/**
 * The error of one attempt, in words. node-llama-cpp throws a bare `NoBinaryFoundError` and says
 * what went wrong only in its console lines, so those come first.
 */
export function attemptError(
  gpu: GpuType,
  thrown: unknown,
  logLines: readonly string[],
  detected: boolean,
): string {
  const lines = logLines.map(cleanLogLine).filter((line) => line !== '')
  const message = thrown instanceof Error ? thrown.message : String(thrown ?? '')
  const meaningful = message !== '' && message !== 'NoBinaryFoundError' ? [message] : []
  const parts = [...new Set([...lines, ...meaningful])]
  const text = parts.length > 0 ? parts.join('; ') : 'no usable prebuilt binary was found'
  return detected ? text : `${text} (${driverNotes[gpu]})`
}

function cleanLogLine(line: string): string {
  // In a terminal node-llama-cpp colours its "[node-llama-cpp]" prefix.
  const text = stripVTControlCharacters(line)
    .replace(/^\[node-llama-cpp\]\s*/, '')
    .replace(/,\s*falling back to [^.]*/i, '')
    .trim()
  // "The prebuilt binary…" reads on after "could not start:"; "CUDA…" stays as it is.
  const sentence = /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
  return withoutPeriod(sentence)
}

function withoutPeriod(text: string): string {
  return text.replace(/[.\s]+$/, '')
}

function platformName(platform: string): string {
  const names: Record<string, string> = { linux: 'Linux', win: 'Windows', mac: 'this Mac' }
  return names[platform] ?? platform
}
