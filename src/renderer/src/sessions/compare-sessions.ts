import { comparisonOf } from '../../../shared/compare-tree'
import { limits } from '../../../shared/schemas'
import type { SessionDocument, SessionNode } from '../../../shared/sessions'
import { initialRunState, runReducer } from '../stores/run-reducer'
import type { CompareColumn, CompareState } from '../views/compare/compare-state'
import { newSession, titleFrom } from './conversation'
import { runRecordFrom } from './records'

/**
 * The Compare view's state as a session's tree (shared/compare-tree.ts) and back: a prompt node
 * holding what the columns share, and a completion node per column holding its settings and run.
 */

/** Names a comparison's nodes: the prompt's, and each column's by its key. */
export interface ComparisonIds {
  prompt: string
  column: (key: string) => string
}

/** The ids of `doc`'s comparison, kept: a column's node is found by its key. */
export function keptIds(doc: SessionDocument | null, fresh: ComparisonIds): ComparisonIds {
  const old = doc && comparisonOf(doc.nodes)
  if (!old) return fresh
  return {
    prompt: old.prompt.id,
    column: (key) => old.columns.find((n) => n.column.key === key)?.id ?? fresh.column(key),
  }
}

/** The comparison as nodes; a column that never ran keeps `run: null`. */
export function comparisonNodes(
  state: CompareState,
  ids: ComparisonIds,
  now: string,
): SessionNode[] {
  const prompt: SessionNode = {
    id: ids.prompt,
    parentId: null,
    role: 'prompt',
    text: state.prompt,
    run: null,
    createdAt: now,
    comparison: {
      input: state.input,
      sameSeed: state.sameSeed,
      ...(state.seedsLocked && { seedsLocked: true }),
      ...(state.stop && state.stop.length > 0 && { stop: state.stop }),
    },
  }
  const columns = state.columns.map((c): SessionNode => {
    const run = c.run.phase === 'idle' ? null : runRecordFrom(c.run, c.settings.sampling)
    return {
      id: ids.column(c.key),
      parentId: prompt.id,
      role: 'completion',
      text: run?.tokens.map((t) => t.text).join('') ?? '',
      run,
      createdAt: now,
      origin: 'run',
      forkAt: 0,
      column: {
        key: c.key,
        settings: { sampling: c.settings.sampling, maxTokens: c.settings.maxTokens },
        preset: c.preset,
        ...(c.engine && { engine: c.engine }),
      },
    }
  })
  return [prompt, ...columns]
}

/**
 * A saved comparison as the Compare view's state, every column's run ended as it was saved (a
 * run saved midway comes back stopped); null when `doc` holds none. `runId` names each run.
 */
export function compareStateFrom(doc: SessionDocument, runId: () => string): CompareState | null {
  const comparison = comparisonOf(doc.nodes)
  if (!comparison) return null
  const { prompt, columns: nodes } = comparison
  const columns = nodes.map(({ column, run }): CompareColumn => ({
    key: column.key,
    settings: column.settings,
    preset: column.preset,
    ...(column.engine && { engine: column.engine }),
    run: run
      ? runReducer(initialRunState, {
          type: 'restored',
          runId: runId(),
          promptText: prompt.text,
          maxTokens: column.settings.maxTokens,
          record: run,
        })
      : initialRunState,
  }))
  const keys = columns.map((c) => Number(/^c(\d+)$/.exec(c.key)?.[1] ?? 0))
  const { input, sameSeed, seedsLocked, stop } = prompt.comparison
  return {
    input,
    prompt: prompt.text,
    system: doc.system,
    sameSeed,
    ...(seedsLocked && { seedsLocked: true }),
    ...(stop && { stop }),
    columns,
    nextKey: Math.max(0, ...keys) + 1,
  }
}

/** A comparison as a session of its own (kind `compare`), in the sidebar beside chats and runs. */
export function compareSession(init: {
  state: CompareState
  /** The session this comparison was saved in before, to keep its id, title, date and nodes. */
  previous: SessionDocument | null
  id: string
  /** The node ids of a new comparison (a column's run id names its node). */
  ids: ComparisonIds
  model: SessionDocument['model']
  topN: number
  now: string
}): SessionDocument {
  const { state, previous, now } = init
  const first = state.columns[0]?.settings
  const base = newSession({
    id: previous?.id ?? init.id,
    kind: 'compare',
    model: init.model ?? previous?.model ?? null,
    settings: {
      sampling: first?.sampling ?? { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 0 },
      maxTokens: first?.maxTokens ?? 128,
      topN: init.topN,
    },
    now,
  })
  return {
    ...base,
    title: previous?.title || titleFrom(state.prompt) || 'Comparison',
    createdAt: previous?.createdAt ?? now,
    // The system prompt box keeps its text whichever input is chosen (shown for chat only).
    system: state.system.slice(0, limits.promptChars),
    nodes: comparisonNodes(state, keptIds(previous, init.ids), now),
    currentLeafId: null,
  }
}
