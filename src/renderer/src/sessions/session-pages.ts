import { useEffect, useSyncExternalStore } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import type { RunTarget } from '../../../shared/session-intents'
import type { SessionDocument } from '../../../shared/sessions'
import { getConnection } from '../services/engine-connection'
import { isHeld, loadHeld } from './held-candidates'
import { loadPageOnce, pageFailure, subscribePages, type PagedTokens } from './page-loads'

/**
 * The alternatives of a session opened from its outline (shared/session-pages.ts). They arrive
 * page by page in the background, a page per task, and go into the outline's token objects in
 * place, so every view holding those tokens sees them. Whatever needs a token's alternatives
 * first asks for its page (`fillTokens`), ahead of the background; until then a token counts as
 * missing, and the inspector says it is loading rather than show an empty list.
 */

interface PagedRun extends PagedTokens {
  sessionId: string
  target: RunTarget
  pageTokens: number
}

/** The run and page of each token still missing its alternatives. */
const missing = new WeakMap<GeneratedToken, { run: PagedRun; page: number }>()

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
/** Once the page has drawn what it was busy drawing (a task later where idleness is unknown). */
const whenIdle = () =>
  new Promise<void>((resolve) =>
    typeof requestIdleCallback === 'function'
      ? requestIdleCallback(() => resolve(), { timeout: 500 })
      : setTimeout(resolve, 0),
  )

function loadPage(run: PagedRun, page: number): Promise<void> {
  const read = (from: number, to: number) =>
    getConnection().bridge.loadSessionPage({ id: run.sessionId, target: run.target, from, to })
  return loadPageOnce(run, page, run.pageTokens, read, (from, to) => {
    for (let i = from; i < to; i++) missing.delete(run.tokens[i]!)
  })
}

/**
 * Reads every page of `runs` one after another, a task apart, so that the page stays responsive;
 * each run from its end, where its view opens. The first waits until the session is drawn: the
 * host making a page and the page reading it would otherwise share the machine with that.
 */
async function fillInBackground(runs: readonly PagedRun[]): Promise<void> {
  await whenIdle()
  for (const run of runs) {
    const pages = Math.ceil(run.tokens.length / run.pageTokens)
    for (let page = pages - 1; page >= 0; page--) {
      await nextTask()
      // A page that cannot be read stays missing (whoever needs it asks again and shows why),
      // and so, most likely, would the rest of its run: the session changed or was deleted.
      const read = await loadPage(run, page).then(
        () => true,
        () => false,
      )
      if (!read) break
    }
  }
}

/** The runs of a document (a comparison's columns are nodes too), each with where the host keeps it. */
function runsOf(doc: SessionDocument): { target: RunTarget; tokens: GeneratedToken[] }[] {
  const runs: { target: RunTarget; tokens: GeneratedToken[] }[] = []
  for (const node of doc.nodes)
    if (node.run && node.run.tokens.length > 0)
      runs.push({ target: { nodeId: node.id }, tokens: node.run.tokens })
  return runs
}

/**
 * Marks the outline's tokens as missing their alternatives and starts reading them; the run on
 * screen (`currentLeafId`'s) first.
 */
export function trackOutline(doc: SessionDocument, pageTokens: number): void {
  const runs = runsOf(doc).map((r): PagedRun => ({
    ...r,
    sessionId: doc.id,
    pageTokens,
    loads: new Map(),
  }))
  for (const run of runs)
    run.tokens.forEach((token, i) => missing.set(token, { run, page: Math.floor(i / pageTokens) }))
  const shown = (r: PagedRun) => 'nodeId' in r.target && r.target.nodeId === doc.currentLeafId
  void fillInBackground([...runs.filter(shown), ...runs.filter((r) => !shown(r))])
}

export function isFilled(token: GeneratedToken): boolean {
  return !missing.has(token)
}

/** Whether `token` holds everything a saved copy keeps: its alternatives and Lab candidates. */
export function isWhole(token: GeneratedToken): boolean {
  return isFilled(token) && !isHeld(token)
}

/**
 * Reads the pages that `tokens` still miss, and the candidates the host held back from their
 * stream; resolves once all of them are whole.
 */
export async function fillTokens(tokens: Iterable<GeneratedToken>): Promise<void> {
  const list = [...tokens]
  await loadHeld(list)
  const wanted = new Map<PagedRun, Set<number>>()
  for (const token of list) {
    const at = missing.get(token)
    if (!at) continue
    let pages = wanted.get(at.run)
    if (!pages) wanted.set(at.run, (pages = new Set()))
    pages.add(at.page)
  }
  const loads: Promise<void>[] = []
  for (const [run, pages] of wanted) for (const page of pages) loads.push(loadPage(run, page))
  await Promise.all(loads)
}

/** Whether every token of `doc`'s runs holds its alternatives. */
export function isDocumentFilled(doc: SessionDocument): boolean {
  return runsOf(doc).every((r) => r.tokens.every(isWhole))
}

/** Every token of `doc`'s runs, with its alternatives. */
export function fillDocument(doc: SessionDocument): Promise<void> {
  return fillTokens(runsOf(doc).flatMap((r) => r.tokens))
}

export type TokenPageState = { ready: true } | { ready: false; error: string | null }

/**
 * Whether `token` holds its alternatives; asks for its page when it does not. Re-renders when it
 * arrives (or fails to).
 */
export function useTokenPage(token: GeneratedToken): TokenPageState {
  const ready = useSyncExternalStore(subscribePages, () => isFilled(token))
  const error = useSyncExternalStore(subscribePages, () => {
    const at = missing.get(token)
    return at ? pageFailure(at.run) : null
  })
  useEffect(() => {
    if (!isFilled(token)) fillTokens([token]).catch(() => undefined)
  }, [token])
  return ready ? { ready: true } : { ready: false, error }
}
