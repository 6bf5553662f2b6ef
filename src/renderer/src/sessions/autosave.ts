import type { SessionDocument } from '../../../shared/sessions'
import type { SaveState } from './session-list'

export interface SaveOptions {
  /** The page is going away: send everything now, in this task, however long that takes. */
  urgent: boolean
  /** Aborted when an urgent save of the same document replaced this one. */
  signal: AbortSignal
}

export interface Autosaver {
  /** Saves `doc` after a quiet moment; a newer version replaces one still waiting. */
  schedule(doc: SessionDocument): void
  /**
   * Saves what is waiting now; resolves once everything asked for is on disk (or failed). While
   * the page is leaving, this is `flushUrgently`.
   */
  flush(): Promise<void>
  /**
   * The page is being hidden and may never run another task: sends what is waiting, and the
   * document being written (whose write, made in slices, might not get to finish), before
   * returning. The promise says when the host has them.
   */
  flushUrgently(): Promise<void>
  /** Drops a waiting save of session `id` (it was deleted). */
  forget(id: string): void
  /** The documents not saved yet: the one being written, then those waiting. */
  unfinished(): SessionDocument[]
}

/**
 * Debounced, one write at a time, newest wins: typing in the system prompt costs one save, and a
 * save that finishes late never overwrites a newer one.
 */
export function createAutosaver(
  save: (doc: SessionDocument, options: SaveOptions) => Promise<void>,
  onState: (state: SaveState, doc: SessionDocument, error?: unknown) => void,
  delayMs = 400,
  /** True while the page is being hidden (from `pagehide` until a `pageshow`). */
  isLeaving: () => boolean = () => false,
): Autosaver {
  /** The newest unsaved version of each session, by id. */
  const waiting = new Map<string, SessionDocument>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let writing: Promise<void> | null = null
  /** The document being written by `run`, and how to call its write off. */
  let current: { doc: SessionDocument; abort: AbortController } | null = null
  /** Bumped by every change of state, so that a late result never overwrites a newer state. */
  let epoch = 0

  const report = (state: SaveState, doc: SessionDocument, error?: unknown) => {
    epoch++
    onState(state, doc, error)
  }

  const run = async (): Promise<void> => {
    for (let next = waiting.values().next(); !next.done; next = waiting.values().next()) {
      const doc = next.value
      waiting.delete(doc.id)
      const abort = new AbortController()
      current = { doc, abort }
      report('saving', doc)
      const mine = epoch
      try {
        await save(doc, { urgent: false, signal: abort.signal })
        if (mine === epoch) report(waiting.size > 0 ? 'unsaved' : 'saved', doc)
      } catch (error) {
        // An aborted write was replaced by an urgent one, which reports for itself.
        if (!abort.signal.aborted) report('failed', doc, error)
      } finally {
        current = null
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
  const flushUrgently = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = null
    const docs = current ? [current.doc] : []
    // Its remaining pieces are never sent, so it cannot land after the newer versions below.
    current?.abort.abort()
    current = null
    docs.push(...waiting.values())
    waiting.clear()
    const last = docs.at(-1)
    if (!last) return Promise.resolve()
    const signal = new AbortController().signal
    // Each call sends all of its document before it returns; the host writes them in order.
    const saves = docs.map((doc) => save(doc, { urgent: true, signal }))
    report('saving', last)
    const mine = epoch
    return Promise.allSettled(saves).then((results) => {
      if (mine !== epoch) return
      const failed = results.find((r) => r.status === 'rejected')
      if (failed) report('failed', last, failed.reason)
      else report('saved', last)
    })
  }
  return {
    schedule(doc) {
      waiting.set(doc.id, doc)
      report('unsaved', doc)
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => void start(), delayMs)
    },
    forget(id) {
      waiting.delete(id)
    },
    unfinished() {
      return [...(current ? [current.doc] : []), ...waiting.values()]
    },
    async flush() {
      if (isLeaving()) return flushUrgently()
      // A write in progress picks up what is waiting when it finishes; wait for both.
      while (waiting.size > 0 || writing) await start()
    },
    flushUrgently,
  }
}
