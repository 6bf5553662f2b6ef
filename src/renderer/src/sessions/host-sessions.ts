import { toAppError } from '../../../shared/errors'
import type { SessionIntent } from '../../../shared/session-intents'
import type { SessionDocument, SessionSummary } from '../../../shared/sessions'
import { unpackOutline } from '../../../shared/session-outline'
import { getConnection } from '../services/engine-connection'
import { fillDocument, isDocumentFilled, trackOutline } from './session-pages'
import { sessionListStore } from './stores'

/**
 * The host owns the saved sessions: the page sends it small intents (a message sent, a branch
 * added, a rename) and the host records every run's tokens itself as they pass through it. So
 * nothing here serialises a document, and closing the page loses nothing the engine sent.
 */

export function summaryOf(doc: SessionDocument): SessionSummary {
  return { id: doc.id, title: doc.title, kind: doc.kind, updatedAt: doc.updatedAt }
}

export function errorText(error: unknown): string {
  const appError = toAppError(error)
  return appError.hint ? `${appError.message} ${appError.hint}` : appError.message
}

/** Sessions the host has: loaded from it, or created on it by this page. */
const onHost = new Set<string>()
let pending = 0
/** Per session, the update that waits for a document's missing alternatives, if any. */
const waiting = new Map<string, Promise<unknown>>()

export function markOnHost(id: string): void {
  onHost.add(id)
}

export function isOnHost(id: string): boolean {
  return onHost.has(id)
}

/**
 * Sends intents for session `id`. Calls travel in order on one channel and the host applies
 * each session's intents in the order they arrive, so no queue is needed here; the sidebar's
 * save state follows the calls still on their way.
 */
export function updateSession(id: string, intents: SessionIntent[]): Promise<void> {
  if (intents.length === 0) return Promise.resolve()
  if (intents.some((i) => i.type === 'created')) onHost.add(id)
  pending++
  sessionListStore.dispatch({ type: 'saveState', save: 'saving' })
  return send(id, intents).then(
    (summary) => {
      pending--
      sessionListStore.dispatch({ type: 'saved', summary })
      if (pending === 0) sessionListStore.dispatch({ type: 'saveState', save: 'saved' })
    },
    (error: unknown) => {
      pending--
      sessionListStore.dispatch({
        type: 'saveState',
        save: 'failed',
        error: `Could not save: ${errorText(error)}`,
      })
      throw error
    },
  )
}

/**
 * A new session made from one opened page by page (a comparison's column opened in Completion)
 * must reach the host whole: its document waits for its missing alternatives, and the session's
 * later updates wait for it, so that they still arrive in order.
 */
function send(id: string, intents: SessionIntent[]) {
  const docs = intents.flatMap((i) =>
    i.type === 'created' && !isDocumentFilled(i.document) ? [i.document] : [],
  )
  const before = waiting.get(id)
  const call = () => getConnection().bridge.updateSession({ id, intents })
  // Sent at once otherwise: a run's generate request, sent next, must find its session made.
  if (docs.length === 0 && !before) return call()
  const sent = (before ?? Promise.resolve())
    .then(() => Promise.all(docs.map(fillDocument)))
    .then(call)
  const settled = sent.catch(() => undefined)
  waiting.set(id, settled)
  void settled.then(() => {
    if (waiting.get(id) === settled) waiting.delete(id)
  })
  return sent
}

/** `updateSession` for changes whose failure the sidebar already shows. */
export function sendIntents(id: string, intents: SessionIntent[]): void {
  updateSession(id, intents).catch(() => undefined)
}

/** Creates `doc` on the host (with whatever it already holds) unless the host has it. */
export function ensureOnHost(doc: SessionDocument): SessionIntent[] {
  return onHost.has(doc.id) ? [] : [{ type: 'created', document: doc }]
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/**
 * Opens a session from the host's outline, which then counts as one it has; its alternatives
 * follow page by page (session-pages.ts).
 */
export async function openFromHost(id: string): Promise<SessionDocument> {
  const outline = await getConnection().bridge.loadSessionOutline({ id })
  const document = await unpackOutline(outline.document, nextTask)
  const { pageTokens } = outline
  onHost.add(document.id)
  trackOutline(document, pageTokens)
  return document
}

/** Loads a whole session from the host, which then counts as one it has. */
export async function loadFromHost(id: string): Promise<SessionDocument> {
  const doc = await getConnection().bridge.loadSession({ id })
  onHost.add(doc.id)
  return doc
}
