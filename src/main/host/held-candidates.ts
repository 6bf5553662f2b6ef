import { z } from 'zod'
import type { GeneratedToken, RunCandidatesRequest, RunEvent } from '../../shared/contract'
import { AppFailure } from '../../shared/errors'
import { describeIssues, runIdSchema } from '../../shared/schemas'
import { maxPageTokens, pageOf, type SessionPage } from '../../shared/session-pages'
import { RunColumns } from '../../shared/token-columns'

/**
 * Candidates the host holds at most, over all runs (each about 40 bytes in typed arrays); the
 * oldest runs are let go first.
 */
export const heldCandidatesLimit = 2_000_000

const requestSchema = z
  .object({ runId: runIdSchema, from: z.int().min(0), to: z.int().min(1) })
  .refine((r) => r.to > r.from && r.to - r.from <= maxPageTokens, {
    message: `to must be after from, by at most ${maxPageTokens} tokens`,
  })

/**
 * The Sampling Lab's extra candidates (`moreCandidates`: up to 1,000 a token with top-k off),
 * kept by the host instead of streamed to the UI, which reads them when the Lab opens on a token.
 * Streamed, they were 72 % of every token's bytes at top-k 40 (4.4 KB of JSON a token; 1.2 KB
 * without): the page parsed and kept ~40 objects a token, and its garbage collector copied them
 * while it drew the stream (issue 18's probe: 4 of 80 streams had a task over 50 ms with them,
 * 4 of 240 without).
 *
 * Only runs for which `holds(runId)` is true are held (runs recorded into a session); a run's
 * tokens are kept whole, in the order of its `tokens` events, which is how the UI counts them.
 */
export function createHeldCandidates(
  holds: (runId: string) => boolean,
  limit: number = heldCandidatesLimit,
) {
  const runs = new Map<string, RunColumns>()
  /** Runs that outgrew `limit` alone: the rest of their tokens go out whole. */
  const overflowed = new Set<string>()
  let total = 0
  const size = (columns: RunColumns) => columns.length + columns.altLength

  /** Holds the event's tokens; false when the run has outgrown what the host may hold. */
  function keep(runId: string, tokens: readonly GeneratedToken[]): boolean {
    if (overflowed.has(runId)) return false
    let columns = runs.get(runId)
    const adding = tokens.reduce(
      (n, t) => n + 1 + t.alternatives.length + (t.moreCandidates?.length ?? 0),
      0,
    )
    if ((columns ? size(columns) : 0) + adding > limit) {
      overflowed.add(runId)
      return false
    }
    if (!columns) runs.set(runId, (columns = new RunColumns()))
    columns.push(tokens)
    total += adding
    for (const [id, held] of runs) {
      if (total <= limit || id === runId) break
      runs.delete(id)
      overflowed.delete(id)
      total -= size(held)
    }
    return true
  }

  return {
    /** The event as the UI gets it: a held run's tokens without `moreCandidates`. */
    forClients(event: RunEvent): RunEvent {
      if (event.kind !== 'tokens' || !holds(event.runId)) return event
      if (!keep(event.runId, event.tokens)) return event
      if (!event.tokens.some((t) => t.moreCandidates)) return event
      return {
        ...event,
        tokens: event.tokens.map((token) => {
          if (!token.moreCandidates) return token
          const { moreCandidates, ...lean } = token
          return { ...lean, heldCandidates: moreCandidates.length }
        }),
      }
    },

    /** Tokens `from` to `to` of a held run, whole, as a session page. */
    read(request: unknown): SessionPage {
      const parsed = requestSchema.safeParse(request)
      if (!parsed.success)
        throw new AppFailure({
          code: 'invalid-request',
          message: `This candidates request is not valid: ${describeIssues(parsed.error)}.`,
        })
      const { runId, from, to }: RunCandidatesRequest = parsed.data
      const columns = runs.get(runId)
      if (!columns || from >= columns.length)
        throw new AppFailure({
          code: 'invalid-request',
          message: 'The host no longer holds these tokens’ candidates.',
          hint: 'It keeps the newest runs’ only: open the session from the list to read them from its file.',
        })
      return pageOf(columns, from, to)
    },
  }
}
