import type { LlamaModel, Token } from 'node-llama-cpp'
import type { GeneratedToken, TokenCandidate } from '../../shared/contract'
import {
  applySamplerChain,
  entropyBits,
  pickCandidate,
  seededUniform,
  type ScoredToken,
} from '../../shared/sampling'
import type { SamplingSettings } from '../../shared/schemas'

/**
 * What to ask llama.cpp for at each step. The greedy sampler leaves the candidate list as the raw
 * distribution, so the logits are the model's own and `totalLogitWeight` covers the whole
 * vocabulary. The sampler chain then runs here, on exactly those numbers (see step below).
 * Top-k bounds what the chain can keep, so the top max(k, N) logits suffice; with top-k off the
 * chain may keep any token, so we need every logit.
 */
export function nextTokenRequest(sampling: SamplingSettings, topN: number) {
  const wholeVocabulary = sampling.temperature > 0 && sampling.topK === 0
  const includeTop = Math.max(topN, sampling.temperature > 0 ? sampling.topK : 1)
  return {
    wholeVocabulary,
    generateNext: {
      token: true,
      options: { temperature: 0 },
      totalLogitWeight: true,
      logits: wholeVocabulary ? (true as const) : { filter: { tokens: [], includeTop } },
    },
  }
}

/** Token texts by model: a token's text never changes, and asking llama.cpp costs a native call. */
const tokenTexts = new WeakMap<LlamaModel, Map<number, string>>()

export function tokenText(model: LlamaModel, id: number): string {
  let texts = tokenTexts.get(model)
  if (!texts) tokenTexts.set(model, (texts = new Map()))
  let text = texts.get(id)
  if (text === undefined) texts.set(id, (text = model.detokenize([id as Token], true)))
  return text
}

export interface StepOutput {
  logits?: Map<Token, number>
  totalLogitWeight?: number
}

/**
 * Turns one evaluation's raw logits into the chosen token and everything we show about it.
 * Sampling happens here with our own seeded generator so that a seed reproduces a run and the
 * reported sampling probability is exactly the one the token was drawn with.
 */
export function sampleStep(
  model: LlamaModel,
  output: StepOutput,
  sampling: SamplingSettings,
  topN: number,
  position: number,
  step: number,
  wholeVocabulary: boolean,
): GeneratedToken {
  const { logits, totalLogitWeight } = output
  if (!logits || totalLogitWeight === undefined || logits.size === 0) {
    throw new Error('llama.cpp returned no logits for this step')
  }
  const candidates: ScoredToken[] = []
  for (const [id, logit] of logits) candidates.push({ id, logit })
  candidates.sort((a, b) => b.logit - a.logit)
  const maxLogit = candidates[0]?.logit ?? 0
  const chain = applySamplerChain(
    candidates,
    sampling,
    wholeVocabulary ? undefined : totalLogitWeight,
  )
  if (!chain.complete) throw new Error('the sampler chain needs logits that were not requested')

  const chosen = pickCandidate(chain.kept, seededUniform(sampling.seed, step))
  const samplingProbs = new Map(chain.kept.map((c) => [c.id, c.prob]))
  const describe = (c: ScoredToken): TokenCandidate => ({
    id: c.id,
    text: tokenText(model, c.id),
    logit: c.logit,
    modelProb: Math.exp(c.logit - maxLogit) / totalLogitWeight,
    samplingProb: samplingProbs.get(c.id) ?? 0,
  })
  const alternatives = candidates.slice(0, topN).map(describe)
  const headProbs = candidates.map((c) => Math.exp(c.logit - maxLogit) / totalLogitWeight)
  return {
    ...describe(chosen),
    position,
    rank: candidates.findIndex((c) => c.id === chosen.id) + 1,
    entropyBits: entropyBits(headProbs),
    alternatives,
    tailMass: Math.max(0, 1 - alternatives.reduce((sum, a) => sum + a.modelProb, 0)),
  }
}
