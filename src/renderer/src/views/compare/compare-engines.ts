import type { GeneratedToken } from '../../../../shared/contract'
import type { RemoteChoice } from '../../../../shared/remote'
import { busyReason, notReadyReasonFor, type EngineViewState } from '../../stores/engine-reducer'
import type { CompareColumn } from './compare-state'

/**
 * Which engine each Compare column runs on. Local columns go out together in one batch
 * (`generateMany`); every remote column is a run of its own on its server, at the same time.
 */
export function splitByEngine<C extends { engine?: RemoteChoice }>(
  columns: readonly C[],
): { local: C[]; remote: (C & { engine: RemoteChoice })[] } {
  const local: C[] = []
  const remote: (C & { engine: RemoteChoice })[] = []
  for (const column of columns) {
    if (column.engine) remote.push(column as C & { engine: RemoteChoice })
    else local.push(column)
  }
  return { local, remote }
}

/**
 * Why `columns` cannot start now, in words; null when they can. Only local columns need a loaded
 * model and a free local engine; remote ones need just the link to the host, which asks the server.
 */
export function whyColumnsCannotRun(
  engine: EngineViewState,
  columns: readonly Pick<CompareColumn, 'engine'>[],
  prompt: string,
): string | null {
  const anyLocal = columns.some((c) => !c.engine)
  const notReady = notReadyReasonFor(engine, !anyLocal)
  if (notReady) return notReady
  if (prompt.trim() === '') return 'Type a prompt first'
  // The Completion or Chat tab's run, or another window's: the local engine does one at a time.
  return anyLocal ? busyReason(engine, 'compare') : null
}

/** Which of a column's statistics rest on numbers its engine did not report. */
export interface StatGaps {
  /** A token's model probability is missing: mean log-prob, perplexity and the chart. */
  modelProb: boolean
  /** Entropy needs the whole distribution; a remote server sends only its head. */
  entropy: boolean
  /** Without token ids the n-gram statistics would count the wrong things. */
  tokenId: boolean
  /** The tokens came from a remote engine: its speed is how fast they arrived. */
  remote: boolean
}

export const noGaps: StatGaps = { modelProb: false, entropy: false, tokenId: false, remote: false }

export function statGaps(tokens: readonly GeneratedToken[]): StatGaps {
  let gaps = noGaps
  for (const { reported } of tokens) {
    if (!reported) continue
    if (!gaps.remote) gaps = { ...gaps, remote: true }
    if (reported.modelProb && reported.entropy && reported.tokenId) continue
    gaps = {
      remote: true,
      modelProb: gaps.modelProb || !reported.modelProb,
      entropy: gaps.entropy || !reported.entropy,
      tokenId: gaps.tokenId || !reported.tokenId,
    }
  }
  return gaps
}
