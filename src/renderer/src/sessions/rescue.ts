import { sessionFromJson, sessionToJson } from '../../../shared/session-export'
import type { SessionDocument } from '../../../shared/sessions'
import { getConnection } from '../services/session'
import { autosaver, saveNow } from './saving'

/**
 * Runs cut short by closing the page. The save made on the way out may not leave the page in
 * time, so a copy waits in local storage, one per kind of session, until the next start saves it.
 */
const rescueKeys: Record<SessionDocument['kind'], string> = {
  chat: 'tokenscope.unsaved-reply',
  completion: 'tokenscope.unsaved-completion',
  compare: 'tokenscope.unsaved-comparison',
}

/** Keeps `doc` (its running work saved as stopped) for the next start, and queues its save. */
export function keepForRescue(doc: SessionDocument): void {
  try {
    localStorage.setItem(rescueKeys[doc.kind], sessionToJson(doc))
  } catch {
    // Too big or no storage: the save queued below is the only chance.
  }
  autosaver.schedule(doc)
}

/** Saves what the last page kept for rescue, unless a newer save of the same session exists. */
export async function rescueUnsaved(): Promise<void> {
  for (const key of Object.values(rescueKeys)) {
    let text: string | null = null
    try {
      text = localStorage.getItem(key)
    } catch {
      return
    }
    if (!text) continue
    const read = sessionFromJson(text)
    if (read.ok) {
      const saved = await getConnection()
        .bridge.loadSession({ id: read.document.id })
        .catch(() => null)
      if (!saved || saved.updatedAt <= read.document.updatedAt) await saveNow(read.document)
    }
    localStorage.removeItem(key)
  }
}
