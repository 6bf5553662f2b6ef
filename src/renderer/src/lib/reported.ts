import type { GeneratedToken, TokenCandidate } from '../../../shared/contract'

/** What a number shows when its engine did not measure it. */
export const notReported = 'not reported'

/** Why a remote reply cannot be branched from a picked token. */
export const remoteBranchReason =
  'Branching needs the local engine’s prompt cache; this reply came from a remote server.'

/** Why the Sampling Lab is off for a remote token. */
export const remoteLabReason =
  'The Sampling Lab replays the sampler over the whole head of the distribution; the remote server reported only its top alternatives.'

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
