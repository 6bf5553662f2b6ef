import { toAppError } from '../../../shared/errors'
import { cutIntoPieces, writeJsonInSlices } from '../../../shared/session-json'
import type { SessionDocument, SessionSummary } from '../../../shared/sessions'
import { getConnection, makeRunId } from '../services/session'
import { createAutosaver, type SaveOptions } from './autosave'
import { sessionListStore } from './stores'

export function summaryOf(doc: SessionDocument): SessionSummary {
  return { id: doc.id, title: doc.title, kind: doc.kind, updatedAt: doc.updatedAt }
}

export function errorText(error: unknown): string {
  const appError = toAppError(error)
  return appError.hint ? `${appError.message} ${appError.hint}` : appError.message
}

/**
 * Pieces sent to the host: small enough that escaping one into a message and handing it to the
 * WebSocket (or IPC) takes about a millisecond, large enough that a long run is a few dozen.
 */
const pieceChars = 64 * 1024
/** Pieces sent before the host has confirmed the earlier ones: keeps the link busy. */
const piecesInFlight = 4

/**
 * Sends `doc` to the host as JSON text. Normally the text is made in slices of a few
 * milliseconds and sent a piece at a time, so that saving a long run (megabytes of JSON) never
 * freezes the page; when the page is going away, all of it is sent before returning.
 */
async function save(doc: SessionDocument, { urgent, signal }: SaveOptions): Promise<void> {
  const { bridge } = getConnection()
  // New for every save: a save that was called off can never be finished by another one.
  const uploadId = makeRunId()
  let offset = 0
  const sent: Promise<void>[] = []
  /** How many of `sent` have been awaited. */
  let confirmed = 0
  const send = (text: string, last: boolean) => {
    // Checked before every piece: an aborted save sends nothing more, so it never lands.
    signal.throwIfAborted()
    const piece = bridge.saveSessionText({ uploadId, offset, text, last })
    offset += text.length
    // Awaited below; until then, a failure must not count as unhandled.
    piece.catch(() => undefined)
    sent.push(piece)
  }
  if (urgent) {
    const pieces = cutIntoPieces(JSON.stringify(doc), pieceChars)
    pieces.forEach((piece, i) => send(piece, i === pieces.length - 1))
  } else {
    await writeJsonInSlices(
      doc,
      async (text, last) => {
        send(text, last)
        // The host takes pieces in order; wait only when too many are on their way.
        if (sent.length - confirmed >= piecesInFlight) await sent[confirmed++]
      },
      { pieceChars },
    )
  }
  await Promise.all(sent)
  sessionListStore.dispatch({ type: 'saved', summary: summaryOf(doc) })
}

/**
 * From `pagehide` on, the page may never run another task, so a save made in slices would stop
 * at its first one: `autosaver.flush()` then sends everything at once instead. Listened to in the
 * capture phase, to be set before any other `pagehide` listener flushes.
 */
let leaving = false
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => (leaving = true), { capture: true })
  window.addEventListener('pageshow', () => (leaving = false), { capture: true })
}

/** One queue for every save of every session, so writes never overtake each other. */
export const autosaver = createAutosaver(
  save,
  (state, _doc, error) =>
    sessionListStore.dispatch({
      type: 'saveState',
      save: state,
      error: state === 'failed' ? `Could not save: ${errorText(error)}` : undefined,
    }),
  undefined,
  () => leaving,
)

/**
 * Saves in a task of its own, right after the current one: for finished runs, whose last batch
 * of tokens is still being drawn. The document is queued at once, so leaving the page in between
 * still writes it.
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
