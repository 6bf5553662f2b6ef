import type { AppError } from './errors'

/** Where a model's weights live, by the role of each tensor. Counts are parameters. */
export interface ParameterBreakdown {
  embeddings: number
  attention: number
  feedForward: number
  norms: number
  output: number
  other: number
}

/** What the GGUF header says about a model, read without loading the weights. */
export interface ModelCard {
  path: string
  fileName: string
  /** All parts together for split files. */
  sizeBytes: number
  /** 1 for an ordinary file, N for `-00001-of-0000N` split files. */
  parts: number
  name: string | null
  architecture: string
  /** e.g. "Q4_K_M", "F16"; null when the file does not say. */
  fileType: string | null
  parameterCount: number
  layers: number | null
  attentionHeads: number | null
  kvHeads: number | null
  embeddingSize: number | null
  feedForwardSize: number | null
  vocabSize: number
  tokenizer: string | null
  trainedContextSize: number | null
  rope: { dimensions: number | null; freqBase: number | null; scaling: string | null }
  hasChatTemplate: boolean
  breakdown: ParameterBreakdown
}

/** Memory a load would need against what the machine has. Byte counts. */
export interface MemoryFit {
  gpuLayers: number
  contextSize: number
  ramNeeded: number
  vramNeeded: number
  ramTotal: number
  ramFree: number
  vramTotal: number
  vramFree: number
  fits: boolean
  /**
   * The context a Compare batch of `columns` adds while it runs (freed after it), and whether
   * the model, its context and that batch fit together.
   */
  compare: { columns: number; ramNeeded: number; vramNeeded: number; fits: boolean }
  /** One or two sentences: what fits, or what does not and what to change. */
  explanation: string
  /** The context the model was trained on (`<arch>.context_length`); null when it does not say. */
  trainedContextSize: number | null
  /**
   * Set when `contextSize` is larger than the trained context: what to expect, with the model's
   * RoPE scaling explained if it declares any. Memory may fit while the text would not hold up.
   */
  contextWarning: string | null
}

export interface ModelInspection {
  card: ModelCard
  fit: MemoryFit
}

/** One entry of a scanned models folder. */
export interface ScannedModel {
  path: string
  fileName: string
  sizeBytes: number
  parts: number
  /** Present when the header could be read. */
  card: ModelCard | null
  /** Why the file cannot be used, shown as a badge. */
  error: AppError | null
}

/** The machine as the engine sees it, for the hardware panel. */
export interface HardwareInfo {
  backend: 'cpu' | 'cuda' | 'metal' | 'vulkan'
  devices: string[]
  cpuThreads: number
  ramTotal: number
  ramFree: number
  vramTotal: number
  vramFree: number
}
