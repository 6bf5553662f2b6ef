import type { GeneratedToken } from '../../../shared/contract'
import { toAppError } from '../../../shared/errors'
import { fillFromPage, type SessionPage } from '../../../shared/session-pages'

/**
 * Tokens whose details the host sends a page at a time, filled into the token objects in place:
 * a saved session's alternatives (session-pages.ts) and a streamed run's held Lab candidates
 * (held-candidates.ts). Both report here, so a view waiting for a token to become whole
 * subscribes once.
 */
export interface PagedTokens {
  tokens: readonly GeneratedToken[]
  /** Each page's load, once asked for; removed again if it failed. */
  loads: Map<number, Promise<void>>
}

/** Why a run's last read failed; cleared when a retry succeeds. */
const failures = new WeakMap<PagedTokens, string>()
const listeners = new Set<() => void>()

export function subscribePages(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function pageFailure(run: PagedTokens): string | null {
  return failures.get(run) ?? null
}

/**
 * Reads page `page` of `run` once (tokens [from, to) of `pageTokens` a page, read by `read`):
 * whoever asks while it is read shares that read, and a failed read is forgotten, so the next
 * ask tries again. `filled` runs once its tokens are in place, before listeners hear of it.
 */
export function loadPageOnce(
  run: PagedTokens,
  page: number,
  pageTokens: number,
  read: (from: number, to: number) => Promise<SessionPage>,
  filled?: (from: number, to: number) => void,
): Promise<void> {
  let load = run.loads.get(page)
  if (load) return load
  const from = page * pageTokens
  const to = Math.min(run.tokens.length, from + pageTokens)
  load = read(from, to).then(
    (result) => {
      fillFromPage(run.tokens, result)
      filled?.(from, to)
      failures.delete(run)
      changed()
    },
    (error: unknown) => {
      run.loads.delete(page)
      const { message, hint } = toAppError(error)
      failures.set(run, hint ? `${message} ${hint}` : message)
      changed()
      throw error
    },
  )
  run.loads.set(page, load)
  return load
}

function changed(): void {
  for (const listener of listeners) listener()
}
