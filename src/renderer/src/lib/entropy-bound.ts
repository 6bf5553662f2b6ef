import type { GeneratedToken } from '../../../shared/contract'

/**
 * A token whose entropy the engine bounded instead of measuring (a large vocabulary read by its
 * head, engine/bounded-head.ts): `entropyBits` is the lower bound, `entropyUpperBits` the upper.
 */
export const isEntropyBounded = (token: Pick<GeneratedToken, 'entropyUpperBits'>): boolean =>
  token.entropyUpperBits !== undefined

/** "≥ 4.81 bits" for a bounded entropy, "4.81 bits" for an exact one. */
export function formatEntropy(token: Pick<GeneratedToken, 'entropyBits' | 'entropyUpperBits'>) {
  const bits = `${token.entropyBits.toFixed(2)} bits`
  return isEntropyBounded(token) ? `≥ ${bits}` : bits
}

/** How a bounded entropy was worked out, for the inspector's tooltip. */
export const boundedEntropyMethod =
  'llama.cpp gave the most likely tokens (the head the sampler chain needs) with their exact probabilities, not the whole vocabulary. The rest of the probability (the tail) is unseen: each tail token is at most the smallest head probability, which bounds the entropy from below; spread evenly over the tail it is at its largest.'

export function boundedEntropyTitle(
  token: Pick<GeneratedToken, 'entropyBits' | 'entropyUpperBits'>,
) {
  const upper = token.entropyUpperBits ?? token.entropyBits
  return `Entropy of the model's distribution at this step: between ${token.entropyBits.toFixed(2)} and ${upper.toFixed(2)} bits. ${boundedEntropyMethod} Ask for the exact value to read every probability of this step once.`
}

/** The legend's note in the entropy colour mode, when the run's entropy is bounded. */
export const boundedLegendNote =
  'Entropy is a lower bound (≥) on this run: the engine read only the most likely tokens of this large vocabulary, so chips are tinted by the lower bound. The inspector shows the range and reads the exact value on demand.'

/** Why a mean entropy is a lower bound: "≥" and how many of the tokens were bounded. */
export function boundedMeanNote(bounded: number, count: number): string | null {
  return bounded > 0 ? `${bounded} of ${count} bounded` : null
}
