import type { LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import type { AddonContext, AddonSampler, DecodeTokens, LogitMapper } from './addon-internals'

/**
 * What a generation step reads from llama.cpp, read once per step without what node-llama-cpp's
 * own `controlledEvaluate` adds on top of it (measured on the 152k vocabulary, issue 18):
 * a new native sampler per call, whose 1.8 MB candidate buffer is allocated, zeroed and left for a
 * forced garbage collection every ~18 tokens (sampler-garbage.ts), and the probabilities turned
 * into a `Map` of every token, which then has to be collected too.
 *
 * Instead, a run evaluates through one `evaluateWithMetadata` generator (one node-llama-cpp
 * sampler per run), and this replaces its per-step sampling: one greedy sampler of our own,
 * made once per run, samples the step with probabilities, and the addon's flat
 * [id, p, id, p, …] array is kept as it came. The greedy token goes back to node-llama-cpp only
 * so that its generator has something to yield; the run feeds it the token it sampled itself.
 */

interface SequenceInternals {
  _decodeTokens?: DecodeTokens
  _resolveSamplerConfig?: (options: { temperature: number }) => Record<string, unknown>
}

/** The addon's flat probabilities of one step: [id, p, id, p, …], most likely first. */
export type StepPairs = ArrayLike<number>

export interface StepSampler {
  /** The probabilities of the step just evaluated; each step's are taken once. */
  take(): StepPairs | undefined
  /** Puts the sequence back as it was and frees the sampler. */
  release(): void
}

/**
 * Replaces the logit mapper of `sequence`'s decodes, for one run, with a read of the step's
 * probabilities by a greedy sampler of our own (the request node-llama-cpp would make for
 * `{ token: true, probabilities: true, options: { temperature: 0 } }`). Hooks installed after
 * this one wrap it (they see its token as the mapper's result); release in reverse order.
 */
export function hookStepSampler(model: LlamaModel, sequence: LlamaContextSequence): StepSampler {
  const llama = (model as unknown as { _llama?: { _bindings?: { AddonSampler?: unknown } } })._llama
  const Sampler = llama?._bindings?.AddonSampler as
    (new (model: unknown) => AddonSampler) | undefined
  const addon = (sequence.context as unknown as { _ctx?: AddonContext })._ctx
  const inner = sequence as unknown as SequenceInternals
  const decode = inner._decodeTokens
  if (
    typeof Sampler !== 'function' ||
    typeof addon?.sampleToken !== 'function' ||
    typeof decode !== 'function' ||
    typeof inner._resolveSamplerConfig !== 'function'
  )
    throw new Error('this node-llama-cpp cannot be read step by step (its internals changed)')
  const sampler = new Sampler((model as unknown as { _model: unknown })._model)
  sampler.applyConfig(inner._resolveSamplerConfig.call(sequence, { temperature: 0 }))
  const hadOwn = Object.prototype.hasOwnProperty.call(inner, '_decodeTokens')
  let latest: StepPairs | undefined
  const hooked: DecodeTokens = function (this: unknown, ...args: unknown[]) {
    // (tokens, logits, priority, meter, contextShift, logitDataMapper, afterBatchAction)
    const mapper: LogitMapper = async (batchLogitIndex) => {
      // The guarded method where logit-read-guard.ts installed one: looked up at each call.
      const [token, pairs] = await addon.sampleToken(batchLogitIndex, sampler, true, false)
      latest = pairs
      return token
    }
    args[5] = mapper
    return decode.apply(this, args)
  }
  inner._decodeTokens = hooked
  return {
    take() {
      const taken = latest
      latest = undefined
      return taken
    },
    release() {
      if (inner._decodeTokens === hooked) {
        if (hadOwn) inner._decodeTokens = decode
        else delete inner._decodeTokens
      }
      sampler.dispose()
    },
  }
}
