import { toAppError } from '../../../shared/errors'
import type { SessionDocument, SessionSummary } from '../../../shared/sessions'
import { getConnection } from '../services/session'
import { createAutosaver } from './autosave'
import { sessionListStore } from './stores'

export function summaryOf(doc: SessionDocument): SessionSummary {
  return { id: doc.id, title: doc.title, kind: doc.kind, updatedAt: doc.updatedAt }
}

export function errorText(error: unknown): string {
  const appError = toAppError(error)
  return appError.hint ? `${appError.message} ${appError.hint}` : appError.message
}

async function save(doc: SessionDocument): Promise<void> {
  await getConnection().bridge.saveSession(doc)
  sessionListStore.dispatch({ type: 'saved', summary: summaryOf(doc) })
}

/** One queue for every save of every session, so writes never overtake each other. */
export const autosaver = createAutosaver(save, (state, _doc, error) =>
  sessionListStore.dispatch({
    type: 'saveState',
    save: state,
    error: state === 'failed' ? `Could not save: ${errorText(error)}` : undefined,
  }),
)

/**
 * Saves in a task of its own, right after the current one: for finished runs, whose last batch
 * of tokens is still being drawn. Serializing a long run takes tens of milliseconds, which in the
 * same task as that drawing makes one long freeze. The document is queued at once, so leaving
 * the page in between still writes it.
 */
export function saveSoon(doc: SessionDocument): void {
  autosaver.schedule(doc)
  setTimeout(() => void autosaver.flush(), 0)
}

/** Saves now (after whatever is queued): for finished replies and runs. */
export function saveNow(doc: SessionDocument): Promise<void> {
  autosaver.schedule(doc)
  return autosaver.flush()
}
