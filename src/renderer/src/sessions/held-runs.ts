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
/**
 * Each held token's run and index. Weak: a run's tokens stay only as long as a view holds some
 * of them (the run holds them all, for the page its candidates come back in).
 */
const places = new WeakMap<GeneratedToken, { run: HeldRun; index: number }>()

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
    for (const token of event.tokens) {
      if (token.heldCandidates !== undefined) places.set(token, { run, index: run.tokens.length })
      run.tokens.push(token)
    }
  }
}

/** Stops counting runs that this page gave up on (their link dropped). */
export function forgetRuns(runIds: readonly string[]): void {
  for (const runId of runIds) streaming.delete(runId)
}

/** Where a held `token` is: its run and index there; null for a run this page did not follow. */
export function heldAt(token: GeneratedToken): { run: HeldRun; index: number } | null {
  return places.get(token) ?? null
}
