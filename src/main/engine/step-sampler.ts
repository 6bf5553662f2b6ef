import type { LlamaContextSequence, LlamaModel } from 'node-llama-cpp'
import type { AddonContext, AddonSampler, DecodeTokens, LogitMapper } from './addon-internals'
import { entropyBounds } from './bounded-head'
import { entropyUpperKey } from './step-distribution'

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
  _resolveSamplerConfig?: (options: Record<string, number>) => Record<string, unknown>
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
 * What a reader of steps drives in node-llama-cpp, checked to exist: the context's addon;
 * `samplerWith`, a native sampler as node-llama-cpp would make for those sampling options
 * (`{ temperature: 0 }`: greedy, which leaves the probabilities it returns as the model's own);
 * and `replaceMapper`, which has the sequence's decodes call `mapper` for each logit they read
 * instead of node-llama-cpp's own, until the function it returns is called. Replacements made
 * after one wrap it (they see its result); undo them in reverse order.
 */
export function readingParts(model: LlamaModel, sequence: LlamaContextSequence) {
  const llama = (model as unknown as { _llama?: { _bindings?: { AddonSampler?: unknown } } })._llama
  const Sampler = llama?._bindings?.AddonSampler as
    (new (model: unknown) => AddonSampler) | undefined
  const addon = (sequence.context as unknown as { _ctx?: AddonContext })._ctx
  const inner = sequence as unknown as SequenceInternals
  const decode = inner._decodeTokens
  const resolveConfig = inner._resolveSamplerConfig
  if (
    typeof Sampler !== 'function' ||
    typeof addon?.sampleToken !== 'function' ||
    typeof decode !== 'function' ||
    typeof resolveConfig !== 'function'
  )
    throw new Error('this node-llama-cpp cannot be read step by step (its internals changed)')
  const samplerWith = (options: Record<string, number>) => {
    const sampler = new Sampler((model as unknown as { _model: unknown })._model)
    sampler.applyConfig(resolveConfig.call(sequence, options))
    return sampler
  }
  const replaceMapper = (mapper: LogitMapper): (() => void) => {
    const hadOwn = Object.prototype.hasOwnProperty.call(inner, '_decodeTokens')
    const hooked: DecodeTokens = function (this: unknown, ...args: unknown[]) {
      // (tokens, logits, priority, meter, contextShift, logitDataMapper, afterBatchAction)
      args[5] = mapper
      return decode.apply(this, args)
    }
    inner._decodeTokens = hooked
    return () => {
      if (inner._decodeTokens !== hooked) return
      if (hadOwn) inner._decodeTokens = decode
      else delete inner._decodeTokens
    }
  }
  return { addon, samplerWith, replaceMapper }
}

/**
 * Replaces the logit mapper of `sequence`'s decodes, for one run, with a read of the step's
 * probabilities by a greedy sampler of our own (the request node-llama-cpp would make for
 * `{ token: true, probabilities: true, options: { temperature: 0 } }`). Hooks installed after
 * this one wrap it (they see its token as the mapper's result); release in reverse order.
 *
 * With `boundedHead` (bounded-head.ts), a step reads only that many of the most likely tokens:
 * see `boundedStep`.
 */
export function hookStepSampler(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  boundedHead: number | null = null,
  vocabulary = 0,
): StepSampler {
  const { addon, samplerWith, replaceMapper } = readingParts(model, sequence)
  const sampler = samplerWith({ temperature: 0 })
  // A chain of top-k (the head, sorted), top-p 1 and min-p 0 (both no-ops) and temperature 1:
  // the addon returns the head with probabilities normalised over it. Its seeded draw is unused.
  const headSampler =
    boundedHead === null
      ? null
      : samplerWith({ temperature: 1, topK: boundedHead, topP: 1, minP: 0, seed: 1 })
  let latest: StepPairs | undefined
  const restore = replaceMapper(async (batchLogitIndex) => {
    // The guarded method where logit-read-guard.ts installed one: looked up at each call.
    if (!headSampler) {
      const [token, pairs] = await addon.sampleToken(batchLogitIndex, sampler, true, false)
      latest = pairs
      return token
    }
    // The logits stay until the next decode: both samplers read the same step.
    const [token, , top] = await addon.sampleToken(batchLogitIndex, sampler, false, true)
    const [, head] = await addon.sampleToken(batchLogitIndex, headSampler, true, false)
    latest = head && top !== undefined ? boundedStep(head, top, vocabulary) : undefined
    return token
  })
  return {
    take() {
      const taken = latest
      latest = undefined
      return taken
    },
    release() {
      restore()
      sampler.dispose()
      headSampler?.dispose()
    },
  }
}

/**
 * A bounded step in the fast binary's head format, read by the same code: [id, p, …] with every
 * p over the whole vocabulary, then [−3, upper bound], [−1, lower bound] (both in nats) and
 * [−2, vocabulary]. The greedy sampler's confidence is the top token's probability over the
 * whole vocabulary (the addon sorts the candidates for it, but copies nothing); the head's
 * probabilities were normalised over the head, so one factor puts them all on the whole's scale.
 */
export function boundedStep(
  head: ArrayLike<number>,
  topProbability: number,
  vocabulary: number,
): Float64Array {
  const size = head.length >> 1
  const scale = topProbability / (head[1] ?? 1)
  const out = new Float64Array(2 * size + 6)
  const probabilities = new Float64Array(size)
  for (let i = 0; i < size; i++) {
    out[2 * i] = head[2 * i] ?? 0
    out[2 * i + 1] = probabilities[i] = (head[2 * i + 1] ?? 0) * scale
  }
  const { lowerBits, upperBits } = entropyBounds(probabilities, size, Math.max(vocabulary, size))
  out.set(
    [entropyUpperKey, upperBits / Math.LOG2E, -1, lowerBits / Math.LOG2E, -2, vocabulary],
    2 * size,
  )
  return out
}
