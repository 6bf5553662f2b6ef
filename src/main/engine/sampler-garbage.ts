import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * node-llama-cpp makes a native sampler for every `controlledEvaluate` call (scoring and influence
 * read a step that way) and one per generator (a run's, and the run's own reader), and disposes it
 * after, but disposing frees only its sampler chain: the candidate buffer it allocates up front,
 * 12 bytes for every token of the vocabulary (1.8 MB on a 152k vocabulary), lives until V8
 * collects the sampler's small JavaScript wrapper. V8 is not told about that memory, so it sees
 * no reason to collect, and four Compare columns left hundreds of MiB behind per run (issue 18).
 * Collecting once that much has been dropped gives it back to the allocator, which reuses it.
 */
const collectAfterBytes = 32 * 2 ** 20
const candidateBytes = 12

let dropped = 0
let collect: (() => void) | null | undefined

function collector(): (() => void) | null {
  if (collect !== undefined) return collect
  try {
    // The engine runs as a plain Node process or Electron's utility process: neither exposes gc.
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    collect = typeof gc === 'function' ? () => (gc as () => void)() : null
  } catch {
    collect = null
  }
  return collect
}

/** Counts one dropped sampler; collects once enough of them were dropped. */
export function noteSamplerDropped(vocabularySize: number): void {
  dropped += Math.max(vocabularySize, 1) * candidateBytes
  if (dropped < collectAfterBytes) return
  dropped = 0
  collector()?.()
}

/**
 * Collects now if any sampler was dropped since the last collection. Called when a Compare batch
 * has freed its context: its columns dropped a sampler for every token, too few on a small
 * vocabulary to reach the threshold, yet enough over twenty batches to keep the engine growing.
 */
export function collectDroppedSamplers(): void {
  if (dropped === 0) return
  dropped = 0
  collector()?.()
}

/** Bytes of dropped samplers not yet collected; for tests. */
export function samplerBytesPending(): number {
  return dropped
}
