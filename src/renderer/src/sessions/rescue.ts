import { sessionFromJson } from '../../../shared/session-export'
import { getConnection } from '../services/session'
import { autosaver, saveNow } from './saving'

/**
 * Work the page could not save before it closed. A save made on the way out may not leave the
 * page in time (Chromium sends only some 100 KB once the page is unloading), so a copy of each
 * such document waits in local storage until the next start saves it.
 */
const rescuePrefix = 'tokenscope.unsaved:'
/** Where earlier versions kept a reply cut short; still read, once. */
const earlierKey = 'tokenscope.unsaved-reply'

/**
 * The page is going away: every document whose save has not finished (queued, being sent in
 * pieces, or just queued on the way out) is kept for the next start.
 */
export function keepUnfinishedSaves(): void {
  for (const doc of autosaver.unfinished()) {
    try {
      // Compact: local storage holds about 5 million characters in all, a long run about 4.
      localStorage.setItem(rescuePrefix + doc.id, JSON.stringify(doc))
    } catch {
      // Too big for what is left of local storage, or no storage: the save is the only chance.
    }
  }
}

function rescueKeys(): string[] {
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key?.startsWith(rescuePrefix) || key === earlierKey) keys.push(key)
  }
  return keys
}

/** Saves what the last page kept for rescue, unless a newer save of the same session exists. */
export async function rescueUnsaved(): Promise<void> {
  let keys: string[]
  try {
    keys = rescueKeys()
  } catch {
    return
  }
  for (const key of keys) {
    const text = localStorage.getItem(key)
    const read = text ? sessionFromJson(text) : null
    if (read?.ok) {
      const { id, updatedAt } = read.document
      const savedAt = () =>
        getConnection()
          .bridge.loadSession({ id })
          .then((saved) => saved.updatedAt)
          .catch(() => null)
      const before = await savedAt()
      if (before === null || before <= updatedAt) {
        await saveNow(read.document)
        // Not saved this time either (the failure is on screen): keep the copy for the next start.
        const after = await savedAt()
        if (after === null || after < updatedAt) continue
      }
    }
    localStorage.removeItem(key)
  }
}
