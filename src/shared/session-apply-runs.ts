import {
  refuse,
  runnable,
  runOf,
  targetId,
  withRun,
  type ApplyOptions,
} from './session-apply-nodes'
import type { SessionIntent } from './session-intents'
import type { TokenStore } from './session-token-stores'
import type { DocumentWith, NodeWith, RunWith } from './stored-document'

/** The intents that record a run into a node (the host's, and imports'). */
export type RunIntent = Extract<SessionIntent, { type: 'runStarted' | 'tokensAdded' | 'runEnded' }>

/** Applies a run's intent (see `applyIntentWith`); `tokensAdded` appends in place. */
export function applyRunIntent<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: RunIntent,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  switch (intent.type) {
    case 'runStarted': {
      const node = runnable(doc, intent.target)
      const base = {
        prompt: intent.prompt,
        stopReason: 'cancelled' as const,
        sampling: intent.sampling,
        tokensPerSecond: null,
        timeToFirstTokenMs: null,
      }
      // A node keeps the tokens it holds (a branch's first, the pick); a column starts afresh.
      const tokens = (node.column ? undefined : node.run?.tokens) ?? store.empty()
      return {
        ...withRun(doc, intent.target, { ...base, tokens }),
        updatedAt: intent.now ?? options.now,
      }
    }
    case 'tokensAdded': {
      const run =
        runOf(doc, intent.target) ?? refuse(`Node ${targetId(doc, intent.target)} has no run yet.`)
      const from = store.length(run.tokens)
      const undo = store.append(run.tokens, intent.tokens)
      options.undo?.push(undo)
      options.appended?.(run.tokens, from, store.length(run.tokens))
      return { ...doc, updatedAt: intent.now ?? options.now }
    }
    case 'runEnded': {
      runnable(doc, intent.target)
      const old = runOf(doc, intent.target)
      const sampling = old?.sampling ?? intent.sampling
      if (!sampling) refuse(`Node ${targetId(doc, intent.target)} has no run to end.`)
      const run: RunWith<T> = {
        prompt: old?.prompt ?? [],
        tokens: old?.tokens ?? store.empty(),
        stopReason: intent.stopReason,
        sampling,
        tokensPerSecond: intent.tokensPerSecond,
        timeToFirstTokenMs: intent.timeToFirstTokenMs,
      }
      const text = (node: NodeWith<T>) =>
        node.role === 'assistant'
          ? store.replyText(run.tokens, run.stopReason)
          : node.role === 'completion'
            ? store.joinedText(run.tokens)
            : node.text
      return { ...withRun(doc, intent.target, run, text), updatedAt: intent.now ?? options.now }
    }
  }
}

/** How far an exact entropy may stand outside the bounds the run gave: the engine's float32. */
const entropySlack = 1e-3

/**
 * Gives a bounded token its exact entropy. Applying it again (a journal read back after
 * the token's own line already held the value) changes nothing; a value outside the token's
 * bounds, or for a token whose entropy was exact from the start, is refused.
 */
export function applyEntropyRead<T>(
  store: TokenStore<T>,
  doc: DocumentWith<T>,
  intent: Extract<SessionIntent, { type: 'entropyRead' }>,
  options: ApplyOptions<T>,
): DocumentWith<T> {
  const { target, index, bits } = intent
  const run = runOf(doc, target) ?? refuse(`Node ${target.nodeId} has no run.`)
  if (index >= store.length(run.tokens))
    refuse(`Node ${target.nodeId}'s run has no token ${index}.`)
  const known = store.entropy(run.tokens, index)
  if (known.upperBits === undefined) {
    if (Math.abs(known.bits - bits) <= entropySlack) return doc
    refuse(`Token ${index} of node ${target.nodeId} already has an exact entropy.`)
  }
  if (bits < known.bits - entropySlack || bits > known.upperBits + entropySlack)
    refuse(
      `${bits} bits is outside token ${index}'s bounds (${known.bits} to ${known.upperBits} bits).`,
    )
  const changed = store.withExactEntropy(run.tokens, index, bits)
  if (changed.undo) options.undo?.push(changed.undo)
  return withRun(doc, target, { ...run, tokens: changed.tokens })
}
