import { toAppError } from '../../shared/errors'
import { applyStoredIntents } from '../../shared/session-apply'
import type { SessionIntent } from '../../shared/session-intents'
import { sessionFileVersion } from '../../shared/sessions'
import type { RunColumns } from '../../shared/token-columns'
import { enqueue, trimCache } from './session-cache'
import { writeSnapshot } from './session-compaction'
import { breather, TextSink, writeEncodedTokens } from './session-column-writer'
import { encodeIntent, type JournalLine } from './session-journal-lines'
import { checkNotNewer, saveFailure } from './session-problems'
import {
  countTokens,
  lineTokens,
  pause,
  trackRun,
  type Entry,
  type Pending,
  type StoreState,
} from './session-store-state'

/** Applies intents (all or none) and queues them for the journal. */
export function pend(entry: Entry, intents: SessionIntent[], at: string) {
  const batches: { columns: RunColumns; from: number; to: number }[] = []
  entry.doc = applyStoredIntents(entry.doc!, intents, at, (columns, from, to) =>
    batches.push({ columns, from, to }),
  )
  let batch = 0
  for (const intent of intents) {
    entry.seq++
    if (intent.type === 'tokensAdded') {
      const { columns, from, to } = batches[batch++]!
      entry.pending.line.push({
        s: entry.seq,
        at,
        batch: { target: intent.target, columns, from, to, now: intent.now },
      })
      entry.pendingTokens += to - from
    } else entry.pending.line.push({ s: entry.seq, at, intent })
    trackRun(entry.openRuns, intent)
  }
  if (entry.snapshotFormat !== sessionFileVersion) entry.compactWanted = true
}

/** Resolves once what is pending now is in the journal. */
export function written(state: StoreState, entry: Entry, delayMs: number): Promise<void> {
  const done = new Promise<void>((resolve, reject) =>
    entry.pending.waiters.push({ resolve, reject }),
  )
  scheduleAppend(state, entry, delayMs)
  return done
}

export function scheduleAppend(state: StoreState, entry: Entry, delayMs: number) {
  if (delayMs === 0 || state.closed) {
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = null
    void append(state, entry)
    return
  }
  entry.timer ??= setTimeout(() => {
    entry.timer = null
    void append(state, entry)
  }, delayMs)
}

/** Rewrites the snapshot once the journal has grown enough, or when the format is old. */
export function maybeCompact(state: StoreState, entry: Entry) {
  if (state.closed || entry.compactQueued || !entry.doc || entry.openRuns.size > 0) return
  const grown =
    entry.journalBytes > 0 &&
    entry.journalBytes >= Math.max(state.compactBytes, entry.snapshotBytes * state.compactRatio)
  if (!entry.compactWanted && !grown) return
  if (entry.journalBytes === 0 && entry.pending.line.length === 0 && !entry.compactWanted) return
  entry.compactQueued = true
  void enqueue(state, entry, async () => {
    entry.compactQueued = false
    // A run may have started meanwhile: then it waits for the run to end.
    if (entry.openRuns.size > 0 || !entry.doc) return
    await writeSnapshot(state, entry)
  }).catch((error: unknown) => {
    // What the snapshot would have held is pending again: the journal takes it instead.
    if (entry.pending.line.length > 0) scheduleAppend(state, entry, 0)
    state.log(`session ${entry.id}: ${toAppError(error).message}`)
  })
}

/** Appends what is pending to the journal, after any append still under way. */
export function append(state: StoreState, entry: Entry): Promise<void> {
  const previous = entry.appending ?? Promise.resolve()
  const current = previous.then(() => appendNow(state, entry))
  entry.appending = current
  void current.then(() => {
    if (entry.appending === current) entry.appending = null
    maybeCompact(state, entry)
    trimCache(state)
  })
  return current
}

async function appendNow(state: StoreState, entry: Entry): Promise<void> {
  const { line: lines, waiters } = entry.pending
  entry.pending = { line: [], waiters: [] }
  entry.pendingTokens = 0
  if (lines.length === 0) {
    waiters.forEach((w) => w.resolve())
    return
  }
  try {
    await checkNotNewer(state, entry)
    const text = await journalText(lines)
    await state.io.appendFile(
      state.journalFile(entry.id),
      entry.tornJournal ? Buffer.concat([Buffer.from('\n'), text]) : text,
    )
    entry.tornJournal = false
    entry.journalBytes += text.length
    waiters.forEach((w) => w.resolve())
  } catch (error) {
    // Kept for the next append; a line may have been cut short, so that one starts afresh.
    entry.tornJournal = true
    entry.pending.line.unshift(...lines)
    entry.pendingTokens = countTokens(entry.pending.line)
    const failure = saveFailure(error)
    waiters.forEach((w) => w.reject(failure))
    state.log(`session ${entry.id}: ${failure.appError.message}`)
    if (!state.closed) scheduleAppend(state, entry, Math.max(1000, state.flushMs))
  }
}

/**
 * Journal lines; consecutive token batches for one target become one line of at most
 * `lineTokens` tokens. A backlog is encoded a slice at a time, never in one long task.
 */
async function journalText(lines: Pending['line']): Promise<Buffer> {
  const out = new TextSink()
  const breathe = breather(pause)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    let { s, at } = line
    if ('batch' in line) {
      const { target, columns, from, now } = line.batch
      let { to } = line.batch
      for (;;) {
        const next = lines[i + 1]
        if (!next || !('batch' in next)) break
        const b = next.batch
        if (b.columns !== columns || b.from !== to || b.now !== now) break
        if (b.to - from > lineTokens) break
        to = b.to
        i++
        ;({ s, at } = next)
      }
      // Written straight from the columns, as `JSON.stringify` would write the JournalLine.
      const head = JSON.stringify({ s, at, i: { type: 'tokensAdded', target, now } })
      out.push(`${head.slice(0, -2)},"encoded":`)
      await writeEncodedTokens(columns, from, to, [], out, breathe)
      out.push('}}}\n')
    } else {
      const journalLine: JournalLine = { s, at, i: encodeIntent(line.intent) }
      out.push(JSON.stringify(journalLine), '\n')
    }
    await breathe()
  }
  const buffers = out.finish()
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers)
}
