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
