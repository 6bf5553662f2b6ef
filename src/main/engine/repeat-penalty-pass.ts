import type { LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import type { AddonContext, AddonSampler, DecodeTokens, LogitMapper } from './addon-internals'
import { defaultPenaltyWindow, repeatPenaltyOn } from '../../shared/penalties'
import type { SamplingSettings } from '../../shared/schemas'
import { noteSamplerDropped } from './sampler-garbage'

/**
 * llama.cpp's repeat penalty divides a positive logit by θ and multiplies a negative one by θ,
 * so it needs each logit's sign, and node-llama-cpp 3.21.1 hands out only probabilities (whose
 * logarithms are the logits minus an unknown constant). So the step's logits are sampled twice,
 * while the batch still holds them: once greedily as every run does (the model's probabilities
 * p), and once by a second native sampler with the run's penalties and nothing else, whose
 * probabilities are the softmax of llama.cpp's own penalised logits (q). Sampling copies the
 * logits into the sampler's own buffer, so the first sampling leaves them as they were.
 *
 * The second sampling happens inside node-llama-cpp's per-logit callback of this sequence's
 * decode, with that callback's batch index: exact in a batch that holds several sequences
 * (Compare's columns) too.
 */

interface Internals {
  sampler: AddonSampler
  addon: AddonContext
  sequence: { _decodeTokens: DecodeTokens }
}

/** node-llama-cpp's private objects this needs; throws if the pinned version's shape changed. */
function internalsOf(model: LlamaModel, sequence: LlamaContextSequence): Internals {
  const llama = (model as unknown as { _llama?: { _bindings?: { AddonSampler?: unknown } } })._llama
  const Sampler = llama?._bindings?.AddonSampler as
    (new (model: unknown) => AddonSampler) | undefined
  const addon = (sequence.context as unknown as { _ctx?: AddonContext })._ctx
  const inner = sequence as unknown as { _decodeTokens?: DecodeTokens }
  if (
    typeof Sampler !== 'function' ||
    typeof addon?.sampleToken !== 'function' ||
    typeof inner._decodeTokens !== 'function'
  )
    throw new Error('this node-llama-cpp cannot apply a repeat penalty (its internals changed)')
  const sampler = new Sampler((model as unknown as { _model: unknown })._model)
  return { sampler, addon, sequence: inner as Internals['sequence'] }
}

/** The penalised probabilities of one step, as [id, q, id, q, …] (llama.cpp's order). */
export type PenalisedProbabilities = ArrayLike<number>

export interface RepeatPenaltyPass {
  /** Sets the window the next step's penalties look at (the context's last tokens). */
  prepare(context: readonly number[]): void
  /** The penalised probabilities of the step just evaluated; each step's are taken once. */
  take(): PenalisedProbabilities | undefined
  /** Puts the sequence back as it was and frees the sampler. */
  release(): void
}

/**
 * Hooks the second sampling into `sequence`'s decodes for one run; null when the run has no
 * repeat penalty (then nothing extra is paid).
 */
export function repeatPenaltyPass(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  sampling: SamplingSettings,
  vocabularySize: number,
): RepeatPenaltyPass | null {
  if (!repeatPenaltyOn(sampling)) return null
  const { sampler, addon, sequence: inner } = internalsOf(model, sequence)
  const window = sampling.penaltyWindow ?? defaultPenaltyWindow
  let latest: PenalisedProbabilities | undefined
  const decode = inner._decodeTokens
  const hooked: DecodeTokens = function (this: unknown, ...args: unknown[]) {
    // (tokens, logits, priority, meter, contextShift, logitDataMapper, afterBatchAction)
    const mapper = args[5] as LogitMapper
    args[5] = async (batchLogitIndex: number, tokenIndex: number) => {
      const result = await mapper(batchLogitIndex, tokenIndex)
      if (result !== undefined) {
        const [, probabilities] = await addon.sampleToken(batchLogitIndex, sampler, true, false)
        latest = probabilities
      }
      return result
    }
    return decode.apply(this, args)
  }
  inner._decodeTokens = hooked
  return {
    prepare(context) {
      // Greedy, so the chain is [penalties, greedy]: greedy picks without changing a logit.
      sampler.applyConfig({
        temperature: 0,
        repeatPenalty: sampling.repeatPenalty ?? 1,
        repeatPenaltyMaxTokens: window,
        repeatPenaltyTokens: Uint32Array.from(context.slice(-window)),
        repeatPenaltyPresencePenalty: sampling.presencePenalty ?? 0,
        repeatPenaltyFrequencyPenalty: sampling.frequencyPenalty ?? 0,
      })
      latest = undefined
    },
    take() {
      const taken = latest
      latest = undefined
      return taken
    },
    release() {
      if (inner._decodeTokens === hooked)
        delete (inner as { _decodeTokens?: unknown })._decodeTokens
      sampler.dispose()
      noteSamplerDropped(vocabularySize)
    },
  }
}
