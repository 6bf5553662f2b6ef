import type { SessionIntent } from '../../shared/session-intents'
import { decodeTokens } from './session-token-decoding'
import { encodeTokens, type EncodedTokens } from './session-token-encoding'

/** A journal line's intent: tokens and prompts as columns, everything else as it is. */
export type JournalIntent =
  | Exclude<SessionIntent, { type: 'tokensAdded' } | { type: 'runStarted' }>
  | {
      type: 'tokensAdded'
      target: Extract<SessionIntent, { type: 'tokensAdded' }>['target']
      encoded: EncodedTokens
      now?: string
    }
  | {
      type: 'runStarted'
      target: Extract<SessionIntent, { type: 'runStarted' }>['target']
      sampling: Extract<SessionIntent, { type: 'runStarted' }>['sampling']
      encoded: EncodedTokens
      now?: string
    }

export interface JournalLine {
  /** The intent's sequence number in this session. */
  s: number
  /** The time it was applied at (`updatedAt` for intents that carry none). */
  at: string
  i: JournalIntent
}

/** An intent's own time, when it carries one (an import's), as a field to spread. */
const nowOf = (intent: { now?: string }) => (intent.now === undefined ? {} : { now: intent.now })

export function encodeIntent(intent: SessionIntent): JournalIntent {
  if (intent.type === 'tokensAdded')
    return {
      type: 'tokensAdded',
      target: intent.target,
      encoded: encodeTokens([], intent.tokens),
      ...nowOf(intent),
    }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      encoded: encodeTokens(intent.prompt, []),
      ...nowOf(intent),
    }
  return intent
}

export function decodeIntent(intent: JournalIntent): SessionIntent {
  if (intent.type === 'tokensAdded')
    return {
      type: 'tokensAdded',
      target: intent.target,
      tokens: decodeTokens(intent.encoded).tokens,
      ...nowOf(intent),
    }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      prompt: decodeTokens(intent.encoded).prompt,
      ...nowOf(intent),
    }
  return intent
}
