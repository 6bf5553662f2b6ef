import { availableParallelism } from 'node:os'
import type { LlamaContextSequence, Token } from 'node-llama-cpp'
import type { StopReason } from '../../shared/contract'
import type { SamplingSettings } from '../../shared/schemas'
import type { HeadRequest } from './probability-head'

/**
 * The fast binary's native generation loop (patches/node-llama-cpp/0006): after the prompt's
 * step, the addon decodes each token and samples the next one from the head with our sampler
 * chain and seeded draw (the same arithmetic as src/shared/sampling.ts) on its own thread, and
 * reports every step while the next one decodes. The main thread then only describes tokens;
 * it no longer stands between one decode and the next.
 */

interface StepsAddon {
  generateSteps(
    options: Record<string, number>,
    onStep: (head: Float64Array, picked: number) => void,
  ): Promise<{ reason: string; fed: number }>
  stopSteps(): void
}

interface SequenceRecord {
  _sequenceId: number
  _contextTokens: Token[]
  _nextTokenIndex: number
  _loadedTokenPredictions?: unknown[]
  _tokenMeter?: { useTokens(count: number, kind: 'input' | 'output'): void }
  needsCheckpoints?: boolean
}

function stepsAddonOf(sequence: LlamaContextSequence): StepsAddon | null {
  const addon = (sequence.context as unknown as { _ctx?: Partial<StepsAddon> })._ctx
  return typeof addon?.generateSteps === 'function' && typeof addon.stopSteps === 'function'
    ? (addon as StepsAddon)
    : null
}

/**
 * Whether a run can go on natively: the fast binary has the loop, the run reads a head (no
 * penalties, a bounded chain), its context has no other sequence that could decode meanwhile
 * (Compare's columns decode together in lockstep-columns.ts), and the sequence keeps no
 * checkpoints or predictions that node-llama-cpp would have to update per token.
 */
export function canRunNatively(
  sequence: LlamaContextSequence,
  head: HeadRequest | null,
  boundedHead: number | null,
): boolean {
  const record = sequence as unknown as SequenceRecord
  return (
    head !== null &&
    boundedHead === null &&
    stepsAddonOf(sequence) !== null &&
    sequence.context.totalSequences === 1 &&
    leavesACore(sequence) &&
    typeof record._sequenceId === 'number' &&
    Array.isArray(record._contextTokens) &&
    typeof record._nextTokenIndex === 'number' &&
    (record._loadedTokenPredictions?.length ?? 0) === 0 &&
    record.needsCheckpoints !== true
  )
}

/**
 * Whether the model's work leaves the main thread a core: layers on a GPU, or fewer CPU threads
 * than cores. Otherwise describing a token while the next decodes takes a core from the decode's
 * threads, and every one of them waits for the slowest (issue 18, 2 cores: the 152k model with 2
 * threads made 0.86–0.88× llama-server's rate natively against 0.90–0.97× step by step; the demo
 * model with 1 thread 1.16× against 0.45×).
 */
function leavesACore(sequence: LlamaContextSequence): boolean {
  return sequence.model.gpuLayers > 0 || sequence.context.currentThreads < availableParallelism()
}

export interface NativeRun {
  sequence: LlamaContextSequence
  /** The token sampled by the run's last step in JavaScript: fed first. */
  feed: Token
  /** The run's step number of the first token this loop samples (the seed's draw). */
  firstStep: number
  maxSteps: number
  /** The highest number of tokens the sequence may hold. */
  capacity: number
  sampling: SamplingSettings
  head: HeadRequest
  signal: AbortSignal
  /**
   * One step: its head in the addon's format, the token the loop drew, the number of tokens
   * the sequence held when it was read and the run's step number. Returns why the run stops
   * after this token, or null to go on. Steps after a stop are not delivered. The sequence's
   * record (nextTokenIndex, token meter) is up to date when it is called.
   */
  onStep(head: Float64Array, picked: Token, position: number, step: number): StopReason | null
}

/**
 * Runs the rest of a run natively and returns why it stopped. Afterwards the sequence holds
 * exactly what the step-by-step loop would have fed: the tokens of every delivered step but the
 * last; tokens the loop decoded past a stop are erased again.
 */
export async function runNatively(run: NativeRun): Promise<StopReason> {
  const { sequence, sampling, head, signal } = run
  const addon = stepsAddonOf(sequence)
  if (!addon) throw new Error('this engine binary has no native generation loop')
  const record = sequence as unknown as SequenceRecord
  const start = record._nextTokenIndex
  // What the loop feeds: the first token, then every token it draws, also after a stop.
  const fed: Token[] = [run.feed]
  let delivered = 0
  let reason: StopReason | null = null
  let failure: unknown = null
  const stop = (why: StopReason) => {
    reason ??= why
    addon.stopSteps()
  }
  const onAbort = () => stop('cancelled')
  signal.addEventListener('abort', onAbort)
  if (signal.aborted) onAbort()
  let result: { reason: string; fed: number }
  try {
    result = await addon.generateSteps(
      {
        sequenceId: record._sequenceId,
        token: run.feed,
        position: start,
        capacity: run.capacity,
        maxSteps: run.maxSteps,
        firstStep: run.firstStep,
        temperature: sampling.temperature,
        topK: sampling.topK,
        topP: sampling.topP,
        minP: sampling.minP,
        seed: sampling.seed >>> 0,
        top: head.top,
        mass: head.mass,
        minRatio: head.minRatio,
      },
      (pairs, picked) => {
        fed.push(picked as Token)
        if (reason !== null) return
        // The token that produced this step has been decoded.
        recordFed(record, fed.slice(delivered, delivered + 1))
        delivered++
        // Thrown here, an error would reach no caller: it stops the loop and is rethrown below.
        try {
          const why = run.onStep(
            pairs,
            picked as Token,
            start + delivered,
            run.firstStep + delivered - 1,
          )
          if (why) stop(why)
        } catch (error) {
          failure = error
          stop('cancelled')
        }
      },
    )
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  // Tokens the addon fed after the last delivered step (decoded past a stop).
  recordFed(record, fed.slice(delivered, result.fed))
  const kept = start + delivered
  if (record._nextTokenIndex > kept) {
    await sequence.eraseContextTokenRanges([{ start: kept, end: record._nextTokenIndex }])
  }
  if (failure) throw failure
  return reason ?? nativeReason(result.reason)
}

/** Brings node-llama-cpp's own record of the sequence up to date with what the addon fed. */
function recordFed(record: SequenceRecord, fed: Token[]) {
  // In place: once per token, a copy would make a long run quadratic (the getter copies anyway).
  record._contextTokens.push(...fed)
  record._nextTokenIndex += fed.length
  // Every fed token produced logits: node-llama-cpp counts those as output.
  record._tokenMeter?.useTokens(fed.length, 'output')
}

function nativeReason(reason: string): StopReason {
  if (reason === 'context-full') return 'context-full'
  if (reason === 'end-of-generation') return 'end-of-generation'
  if (reason === 'max-steps') return 'max-tokens'
  return 'cancelled'
}
