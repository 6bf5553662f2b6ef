import type { GeneratedToken, RunEvent } from '../../../shared/contract'

/**
 * The tokens of the runs this page follows, counted as they arrive (before any view holds
 * them): a streamed token's index in its run is what the host needs to find the candidates it
 * held back from the stream (held-candidates.ts).
 */

export interface HeldRun {
  runId: string
  /** The run's tokens by index, as counted on arrival. */
  tokens: GeneratedToken[]
  loads: Map<number, Promise<void>>
}

/** Runs still streaming, by id. */
const streaming = new Map<string, HeldRun>()
/** The newest runs that brought held tokens, newest last; a token is looked up in them. */
const recent: HeldRun[] = []
const recentRuns = 32

/** Counts a followed run's tokens as they arrive, before any view holds them. */
export function noteRunEvents(runId: string, events: readonly RunEvent[]): void {
  for (const event of events) {
    if (event.kind === 'ended' || event.kind === 'failed') {
      streaming.delete(runId)
      continue
    }
    if (event.kind !== 'tokens') continue
    let run = streaming.get(runId)
    if (!run) streaming.set(runId, (run = { runId, tokens: [], loads: new Map() }))
    if (event.tokens.some((t) => t.heldCandidates !== undefined) && recent.at(-1) !== run) {
      if (!recent.includes(run)) recent.push(run)
      if (recent.length > recentRuns) recent.shift()
    }
    for (const token of event.tokens) run.tokens.push(token)
  }
}

/** Stops counting runs that this page gave up on (their link dropped). */
export function forgetRuns(runIds: readonly string[]): void {
  for (const runId of runIds) streaming.delete(runId)
}

/** Where `token` is in the runs this page followed, newest first. */
export function heldAt(token: GeneratedToken): { run: HeldRun; index: number } | null {
  for (let r = recent.length - 1; r >= 0; r--) {
    const run = recent[r]!
    const index = run.tokens.lastIndexOf(token)
    if (index >= 0) return { run, index }
  }
  return null
}
