import { boundedLegendNote } from './entropy-bound'
import type { GeneratedToken, TokenCandidate } from '../../../shared/contract'

/** What a number shows when its engine did not measure it. */
export const notReported = 'not reported'

/** Why a remote reply cannot be branched from a picked token. */
export const remoteBranchReason =
  'Branching needs the local engine’s prompt cache; this reply came from a remote server.'

/** Why the Sampling Lab is off for a remote token. */
export const remoteLabReason =
  'The Sampling Lab replays the sampler over the whole head of the distribution; the remote server reported only its top alternatives.'

/** Why the Sampling Lab is off for a token whose server reported post-sampling numbers only. */
export const postSamplingLabReason =
  'The Sampling Lab replays the sampler over the model’s probabilities; this server reported only its probabilities after sampling.'

/** The legend's and tooltips' line for a run whose server measured after sampling. */
export const modelProbNotReported =
  'Model probability not reported by this server: its log-probabilities are taken after sampling.'

/** Whether the token's model probability was not measured (a server reporting after sampling). */
export const isModelProbUnreported = (token: GeneratedToken | undefined): boolean =>
  token?.reported !== undefined && !token.reported.modelProb

/** The reason the Lab is off for a remote token. */
export const labReasonFor = (token: GeneratedToken) =>
  isModelProbUnreported(token) ? postSamplingLabReason : remoteLabReason

/** Whether the token came from a remote engine (which reports some numbers only). */
export const isRemoteToken = (token: GeneratedToken) => token.reported !== undefined

/**
 * Whether `candidate` is `token` itself. Remote servers may send no token ids (all are 0 then),
 * so there the text decides, as the server's own list does.
 */
export function isChosen(token: GeneratedToken, candidate: TokenCandidate): boolean {
  return token.reported && !token.reported.tokenId
    ? candidate.text === token.text
    : candidate.id === token.id
}

/** A stable key for a candidate in a list (ids repeat where a server sent none). */
export const candidateKey = (token: GeneratedToken, candidate: TokenCandidate, i: number) =>
  token.reported && !token.reported.tokenId ? `${i}:${candidate.text}` : String(candidate.id)

/** Why a run's chips are tinted by a lower bound under `mode` (a bounded entropy), or null. */
export function boundedLegend(
  token: GeneratedToken | undefined,
  mode: 'probability' | 'surprise' | 'entropy',
): string | null {
  return mode === 'entropy' && token?.entropyUpperBits !== undefined ? boundedLegendNote : null
}

/** Why a run's chips have no tint under `mode`, or null when they have one. */
export function unmeasuredLegend(
  token: GeneratedToken | undefined,
  mode: 'probability' | 'surprise' | 'entropy',
): string | null {
  if (!token?.reported) return null
  if (mode === 'entropy')
    return token.reported.entropy
      ? null
      : 'Uncertainty not reported: entropy needs every probability, and the remote server reported only its top alternatives.'
  return token.reported.modelProb ? null : modelProbNotReported
}
