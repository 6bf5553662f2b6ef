import type { SessionDocument } from '../../../shared/sessions'
import type { SaveState } from './session-list'

export interface Autosaver {
  /** Saves `doc` after a quiet moment; a newer version replaces one still waiting. */
  schedule(doc: SessionDocument): void
  /** Saves what is waiting now; resolves once everything asked for is on disk (or failed). */
  flush(): Promise<void>
  /** Drops a waiting save of session `id` (it was deleted). */
  forget(id: string): void
}

/**
 * Debounced, one write at a time, newest wins: typing in the system prompt costs one save, and a
 * save that finishes late never overwrites a newer one.
 */
export function createAutosaver(
  save: (doc: SessionDocument) => Promise<void>,
  onState: (state: SaveState, doc: SessionDocument, error?: unknown) => void,
  delayMs = 400,
): Autosaver {
  /** The newest unsaved version of each session, by id. */
  const waiting = new Map<string, SessionDocument>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let writing: Promise<void> | null = null

  const run = async (): Promise<void> => {
    for (let next = waiting.values().next(); !next.done; next = waiting.values().next()) {
      const doc = next.value
      waiting.delete(doc.id)
      onState('saving', doc)
      try {
        await save(doc)
        onState(waiting.size > 0 ? 'unsaved' : 'saved', doc)
      } catch (error) {
        onState('failed', doc, error)
      }
    }
  }
  const start = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = null
    writing ??= run().finally(() => {
      writing = null
    })
    return writing
  }
  return {
    schedule(doc) {
      waiting.set(doc.id, doc)
      onState('unsaved', doc)
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void start(), delayMs)
    },
    forget(id) {
      waiting.delete(id)
    },
    async flush() {
      // A write in progress picks up what is waiting when it finishes; wait for both.
      while (waiting.size > 0 || writing) await start()
    },
  }
}
