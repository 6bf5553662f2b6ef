import { sessionFromJson } from '../../../shared/session-export'
import type { SessionDocument } from '../../../shared/sessions'
import { getConnection } from '../services/session'
import { autosaver, saveNow } from './saving'
import { sessionListStore } from './stores'

/**
 * Work the page could not save before it closed. A save made on the way out may not leave the
 * page in time (Chromium sends only some 100 KB once the page is unloading), so a copy of each
 * such document waits in local storage until the next start saves it.
 */
const rescuePrefix = 'tokenscope.unsaved:'
/** Where earlier versions kept one copy per kind of session; still read, once. */
const earlierKeys = [
  'tokenscope.unsaved-reply',
  'tokenscope.unsaved-completion',
  'tokenscope.unsaved-comparison',
]

/** Documents already kept during this page's life: a document is never stored twice. */
const kept = new WeakSet<SessionDocument>()

function keepCopy(doc: SessionDocument): void {
  if (kept.has(doc)) return
  kept.add(doc)
  try {
    // Compact: local storage holds about 5 million characters in all, a long run about 4.
    localStorage.setItem(rescuePrefix + doc.id, JSON.stringify(doc))
  } catch {
    // Too big for what is left of local storage, or no storage: the save is the only chance.
  }
}

/** Keeps `doc` (its running work saved as stopped) for the next start, and queues its save. */
export function keepForRescue(doc: SessionDocument): void {
  keepCopy(doc)
  autosaver.schedule(doc)
}

/**
 * The page is going away: every document whose save has not finished (queued, or being sent in
 * pieces) is kept for the next start too.
 */
export function keepUnfinishedSaves(): void {
  for (const doc of autosaver.unfinished()) keepCopy(doc)
}

function rescueKeys(): string[] {
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key?.startsWith(rescuePrefix) || (key && earlierKeys.includes(key))) keys.push(key)
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
      const saved = await getConnection()
        .bridge.loadSession({ id: read.document.id })
        .catch(() => null)
      if (!saved || saved.updatedAt <= read.document.updatedAt) {
        await saveNow(read.document)
        // Not saved this time either (the failure is on screen): keep the copy for the next start.
        if (sessionListStore.getState().save === 'failed') continue
      }
    }
    localStorage.removeItem(key)
  }
}
