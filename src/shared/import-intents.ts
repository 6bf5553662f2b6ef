import { maxIntentsPerUpdate, type RunTarget, type SessionIntent } from './session-intents'
import type { SessionDocument, SessionNode } from './sessions'

type RunRecord = NonNullable<SessionNode['run']>

/**
 * Tokens sent in one update: a token with its alternatives is about a kilobyte of JSON, and one
 * message must stay well under the serve host's 4 MB frame limit.
 */
export const importTokensPerUpdate = 1000

/** A saved run as intents; `now` keeps the session's saved time rather than the import's. */
function runIntents(target: RunTarget, run: RunRecord, now: string): SessionIntent[] {
  const intents: SessionIntent[] = [
    { type: 'runStarted', target, prompt: run.prompt, sampling: run.sampling, now },
  ]
  for (let at = 0; at < run.tokens.length; at += importTokensPerUpdate)
    intents.push({
      type: 'tokensAdded',
      target,
      tokens: run.tokens.slice(at, at + importTokensPerUpdate),
      now,
    })
  intents.push({
    type: 'runEnded',
    target,
    stopReason: run.stopReason,
    tokensPerSecond: run.tokensPerSecond,
    timeToFirstTokenMs: run.timeToFirstTokenMs,
    now,
  })
  return intents
}

/**
 * An imported document as the updates that rebuild it on the host: its outline first (every
 * node, no tokens), then each run in pieces small enough for one message.
 */
export function importUpdates(doc: SessionDocument): SessionIntent[][] {
  const outline: SessionDocument = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, run: null })) }
  const runs = doc.nodes.flatMap((n) =>
    n.run ? runIntents({ nodeId: n.id }, n.run, doc.updatedAt) : [],
  )
  const updates: SessionIntent[][] = [[{ type: 'created', document: outline }]]
  let batch: SessionIntent[] = []
  let tokens = 0
  for (const intent of runs) {
    const size = intent.type === 'tokensAdded' ? intent.tokens.length : 0
    const full = tokens + size > importTokensPerUpdate || batch.length === maxIntentsPerUpdate
    if (batch.length > 0 && full) {
      updates.push(batch)
      batch = []
      tokens = 0
    }
    batch.push(intent)
    tokens += size
  }
  if (batch.length > 0) updates.push(batch)
  return updates
}
