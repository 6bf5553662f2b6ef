import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import type { DecodeTokens, LogitMapper } from './addon-internals'
import { claimHead } from './probability-head'
import { readingParts, type StepPairs } from './step-sampler'

export interface DistributionReader {
  /**
   * Evaluates `tokens` after the sequence's own and returns, for each of them, the model's
   * distribution over the whole vocabulary that came after it: the addon's flat
   * [id, p, id, p, …], most likely first.
   */
  read(tokens: readonly Token[]): Promise<StepPairs[]>
  /** Puts the sequence back as it was and frees the sampler. */
  release(): void
}

/**
 * Every position's distribution of a text, as `controlledEvaluate` with `probabilities` gives
 * it, without what node-llama-cpp adds on top: a `Map` of every token made for every position
 * (22 ms a position on a 152k vocabulary, and about half that again for the garbage collector). Reads
 * through one greedy sampler for the whole text; the whole distribution, never the fast
 * binary's head, which a text's rare tokens fall outside.
 */
export function hookDistributionReader(
  model: LlamaModel,
  sequence: LlamaContextSequence,
): DistributionReader {
  const { addon, inner, decode, samplerWith } = readingParts(model, sequence)
  const sampler = samplerWith({ temperature: 0 })
  const releaseHead = claimHead(sequence.context, null)
  const hadOwn = Object.prototype.hasOwnProperty.call(inner, '_decodeTokens')
  const hooked: DecodeTokens = function (this: unknown, ...args: unknown[]) {
    // (tokens, logits, priority, meter, contextShift, logitDataMapper, afterBatchAction)
    const mapper: LogitMapper = async (batchLogitIndex) => {
      const [, pairs] = await addon.sampleToken(batchLogitIndex, sampler, true, false)
      return pairs
    }
    args[5] = mapper
    return decode.apply(this, args)
  }
  inner._decodeTokens = hooked
  const request = { generateNext: { probabilities: true } } as const
  return {
    async read(tokens) {
      // What the mapper returned for each token: node-llama-cpp hands it back as the result.
      const results = (await sequence.controlledEvaluate(
        tokens.map((id) => [id, request]) as never,
      )) as unknown[]
      return tokens.map((_, k) => {
        const pairs = results[k] as StepPairs | undefined
        if (!pairs || pairs.length === 0)
          throw new Error('llama.cpp returned no probabilities for a token')
        return pairs
      })
    },
    release() {
      if (inner._decodeTokens === hooked) {
        if (hadOwn) inner._decodeTokens = decode
        else delete inner._decodeTokens
      }
      sampler.dispose()
      releaseHead()
    },
  }
}
