/**
 * The private parts of node-llama-cpp (the pinned 3.21.1) that the step reader and the repeat
 * penalty pass drive directly: a native sampler, the context's `sampleToken`, and a sequence's
 * decode with its per-logit callback. Each user checks they exist and refuses to run otherwise.
 */
export interface AddonSampler {
  applyConfig(config: Record<string, unknown>): void
  dispose(): void
}

export interface AddonContext {
  sampleToken(
    batchLogitIndex: number,
    sampler: AddonSampler,
    probabilities: boolean,
    confidence: boolean,
  ): Promise<[number, ArrayLike<number> | undefined, number | undefined]>
}

export type LogitMapper = (batchLogitIndex: number, tokenIndex: number) => unknown
export type DecodeTokens = (...args: unknown[]) => Promise<unknown>
