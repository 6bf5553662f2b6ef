import type { GeneratedToken } from '../../../shared/contract'
import type { SamplingSettings } from '../../../shared/schemas'
import { describeSampling } from '../stores/settings'

/** One line on why the two probabilities of a token differ. */
export function explainProbabilities(
  token: Pick<GeneratedToken, 'modelProb' | 'samplingProb'>,
  sampling: SamplingSettings | null,
): string {
  if (sampling?.temperature === 0) {
    return 'Temperature 0 is greedy: the sampler always takes the top token, so it gets 100% sampling probability.'
  }
  const chain = sampling ? ` (${describeSampling(sampling)})` : ''
  const direction =
    token.samplingProb > token.modelProb
      ? 'cut the unlikely tokens and shared their probability among those left'
      : 'reshaped the distribution'
  return `Model probability is the model's own softmax; sampling probability is after the sampler chain${chain} ${direction}.`
}
