import { useEffect, useSyncExternalStore } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import { defaultPageTokens } from '../../../shared/session-pages'
import { getConnection } from '../services/engine-connection'
import { heldAt, type HeldRun } from './held-runs'
import { loadPageOnce, pageFailure, subscribePages } from './page-loads'

/**
 * The Sampling Lab's extra candidates of streamed tokens, which the host holds instead of
 * sending (`GeneratedToken.heldCandidates`). Each followed run's tokens are counted as they
 * arrive; a token that needs its candidates asks for the page of the run it is in, and they go
 * into the token object in place, as a saved session's pages do (session-pages.ts).
 */

/** Whether `token` still lacks candidates the host holds for it. */
export function isHeld(token: GeneratedToken): boolean {
  return token.heldCandidates !== undefined && token.moreCandidates === undefined
}

function loadPage(run: HeldRun, page: number): Promise<void> {
  const read = (from: number, to: number) =>
    getConnection().bridge.loadRunCandidates({ runId: run.runId, from, to })
  return loadPageOnce(run, page, defaultPageTokens, read, (from, to) => {
    // Read while the run was streaming: the rest of the page is read when asked for.
    if (to - from < defaultPageTokens) run.loads.delete(page)
  })
}

const notFollowed =
  'This page did not follow the run that made it (another window’s run): open its session from the list.'

/** Reads the candidates `tokens` still lack; rejects if some cannot be read. */
export async function loadHeld(tokens: Iterable<GeneratedToken>): Promise<void> {
  const loads = new Set<Promise<void>>()
  for (const token of tokens) {
    if (!isHeld(token)) continue
    const at = heldAt(token)
    if (!at) throw new Error(notFollowed)
    loads.add(loadPage(at.run, Math.floor(at.index / defaultPageTokens)))
  }
  await Promise.all(loads)
}

export type HeldState = { ready: true } | { ready: false; error: string | null }

/** Whether `token` holds its candidates; asks the host for them when it does not. */
export function useHeldCandidates(token: GeneratedToken): HeldState {
  const ready = useSyncExternalStore(subscribePages, () => !isHeld(token))
  const error = useSyncExternalStore(subscribePages, () => {
    if (!isHeld(token)) return null
    const at = heldAt(token)
    return at ? pageFailure(at.run) : notFollowed
  })
  useEffect(() => {
    if (isHeld(token)) loadHeld([token]).catch(() => undefined)
  }, [token])
  return ready ? { ready: true } : { ready: false, error }
}
