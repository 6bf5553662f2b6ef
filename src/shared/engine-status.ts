import type { AppError } from './errors'

/* What the engine reports about itself: its state, the loaded model, the binary and threads. */

export type ComputeBackend = 'cpu' | 'cuda' | 'metal' | 'vulkan'

export interface ModelInfo {
  name: string
  fileName: string
  /** The path the model was loaded from, as the load request gave it. */
  path: string
  sizeBytes: number
  architecture: string
  vocabSize: number
  trainedContextSize: number
  /** The context size this load uses. */
  contextSize: number
  isDemo: boolean
  /** The file's SHA-256, filled in once hashing (in the background, after loading) is done. */
  sha256: string | null
  /** How many CPU threads decode, and how that was chosen. */
  threads?: ThreadChoice
}

/** One thread count timed at load: the median of a few single-token steps. */
export interface ThreadTrial {
  threads: number
  msPerToken: number | null
}

export interface ThreadChoice {
  count: number
  /** set: by the load options; offloaded: every core, a GPU does the maths; measured: timed. */
  how: 'set' | 'offloaded' | 'measured'
  trials: ThreadTrial[]
}

export type EngineState = 'starting' | 'ready' | 'loading' | 'crashed' | 'error'

/** Which llama.cpp binary the engine runs: node-llama-cpp's prebuilt one, or a fast local build. */
export interface EngineBinaryInfo {
  kind: 'prebuilt' | 'fast'
  /** For people: `fast build (native CPU flags, OpenMP, …)`. */
  label: string
  /** Why this one: the fast build passed its self-check, or why it is not used. */
  reason: string
  /** The fast build's addon; null for the prebuilt binary. */
  path: string | null
}

/** The engine process's scheduling priority against other programs, the app's window included. */
export interface EnginePriority {
  level: 'below-normal' | 'normal'
  /** For people: what the level means here, or why it is not the usual one. */
  reason: string
}

export interface EngineStatus {
  state: EngineState
  backend: ComputeBackend | null
  /** Human-readable device names, e.g. the GPU's. */
  devices: string[]
  /** Why a GPU backend could not start, when the engine fell back to the CPU; else null. */
  gpuFallback: string | null
  /** The llama.cpp binary in use; null until the engine has started llama.cpp. */
  engineBinary: EngineBinaryInfo | null
  /** The engine process's priority; null until the engine has reported. */
  priority: EnginePriority | null
  model: ModelInfo | null
  /** The last failure, shown until the next successful action. */
  error: AppError | null
  /** How many times the host has restarted a dead engine. */
  restarts: number
  /** Progress of the model load in progress, 0 to 1; null when not loading. */
  loadProgress: number | null
  /** The context of the Compare batch in progress (freed when it ends); null when none. */
  parallelContext: { sequences: number; contextSize: number } | null
  /**
   * Synchronous work that keeps the engine from answering for a while (e.g. "Matching the chat
   * template"); null when none. The host's hang check waits longer while it is set.
   */
  blockedBy: string | null
}

/** An engine that has not reported yet. */
export const startingStatus: EngineStatus = {
  state: 'starting',
  backend: null,
  devices: [],
  gpuFallback: null,
  engineBinary: null,
  priority: null,
  model: null,
  error: null,
  restarts: 0,
  loadProgress: null,
  parallelContext: null,
  blockedBy: null,
}
