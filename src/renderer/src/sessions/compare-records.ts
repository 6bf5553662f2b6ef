import { limits } from '../../../shared/schemas'
import type { CompareRecord, SessionDocument } from '../../../shared/sessions'
import { initialRunState, isActive, runReducer } from '../stores/run-reducer'
import type { CompareColumn, CompareState } from '../views/compare/compare-reducer'
import { newSession, titleFrom } from './conversation'
import { runRecordFrom } from './records'

/** The Compare view as a session saves it: a column that never ran keeps `run: null`. */
export function compareRecordFrom(state: CompareState): CompareRecord {
  return {
    input: state.input,
    prompt: state.prompt,
    system: state.system,
    sameSeed: state.sameSeed,
    ...(state.seedsLocked && { seedsLocked: true }),
    ...(state.stop && state.stop.length > 0 && { stop: state.stop }),
    columns: state.columns.map((c) => ({
      key: c.key,
      settings: { sampling: c.settings.sampling, maxTokens: c.settings.maxTokens },
      preset: c.preset,
      run: c.run.phase === 'idle' ? null : runRecordFrom(c.run, c.settings.sampling),
      ...(c.engine && { engine: c.engine }),
    })),
  }
}

/**
 * A saved comparison as the Compare view's state, every column's run ended as it was saved (a
 * run saved midway comes back stopped). `runId` names each restored run.
 */
export function compareStateFrom(record: CompareRecord, runId: () => string): CompareState {
  const columns = record.columns.map((c): CompareColumn => ({
    key: c.key,
    settings: c.settings,
    preset: c.preset,
    ...(c.engine && { engine: c.engine }),
    run: c.run
      ? runReducer(initialRunState, {
          type: 'restored',
          runId: runId(),
          promptText: record.prompt,
          maxTokens: c.settings.maxTokens,
          record: c.run,
        })
      : initialRunState,
  }))
  const keys = columns.map((c) => Number(/^c(\d+)$/.exec(c.key)?.[1] ?? 0))
  return {
    input: record.input,
    prompt: record.prompt,
    system: record.system,
    sameSeed: record.sameSeed,
    ...(record.seedsLocked && { seedsLocked: true }),
    ...(record.stop && { stop: record.stop }),
    columns,
    nextKey: Math.max(0, ...keys) + 1,
  }
}

export function hasRuns(state: CompareState): boolean {
  return state.columns.some((c) => c.run.phase !== 'idle')
}

/**
 * A comparison started over: every column got a new run at once (Generate), as opposed to one
 * column run again, which stays in the same session.
 */
export function startedOver(before: CompareState, after: CompareState): boolean {
  return (
    after.columns.length > 0 &&
    after.columns.every((c) => {
      const old = before.columns.find((b) => b.key === c.key)
      return isActive(c.run) && c.run.runId !== null && c.run.runId !== old?.run.runId
    })
  )
}

/** A comparison as a session of its own (kind `compare`), in the sidebar beside chats and runs. */
export function compareSession(init: {
  state: CompareState
  /** The session this comparison was saved in before, to keep its id, title and date. */
  previous: SessionDocument | null
  id: string
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
    system: state.input === 'chat' ? state.system.slice(0, limits.promptChars) : '',
    compare: compareRecordFrom(state),
  }
}
