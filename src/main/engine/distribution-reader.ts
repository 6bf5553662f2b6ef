import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
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
 * (22 ms a position on a 152k vocabulary, and about half that again for the garbage collector).
 * Reads through one greedy sampler for the whole text; the whole distribution, never the fast
 * binary's head, which a text's rare tokens fall outside.
 */
export function hookDistributionReader(
  model: LlamaModel,
  sequence: LlamaContextSequence,
): DistributionReader {
  const { addon, samplerWith, replaceMapper } = readingParts(model, sequence)
  const sampler = samplerWith({ temperature: 0 })
  const releaseHead = claimHead(sequence.context, null)
  const restore = replaceMapper(async (batchLogitIndex) => {
    const [, pairs] = await addon.sampleToken(batchLogitIndex, sampler, true, false)
    return pairs
  })
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
      restore()
      sampler.dispose()
      releaseHead()
    },
  }
}
