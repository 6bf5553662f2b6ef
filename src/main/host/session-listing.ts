import * as fs from 'node:fs/promises'
import type { SessionSummary } from '../../shared/sessions'
import { enqueue, entryFor, stampsOf, summaryOf } from './session-cache'
import { loaded } from './session-load'
import { firstLine, parseHeader } from './session-headers'
import { removeLeftovers, setAsideName } from './session-problems'
import { idPattern, type StoreState } from './session-store-state'

/** Every saved session's summary, newest first; sessions not in memory are read from headers. */
export async function listSummaries(state: StoreState): Promise<SessionSummary[]> {
  const { directory } = state
  await fs.mkdir(directory, { recursive: true })
  const names = await fs.readdir(directory)
  if (!state.sweptLeftovers) {
    state.sweptLeftovers = true
    await removeLeftovers(directory, names, state.log)
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    if (!idPattern.test(name.slice(0, -'.json'.length))) await setAsideName(state, name)
  }
  const ids = names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -'.json'.length))
    .filter((id) => idPattern.test(id))
  const list: SessionSummary[] = []
  for (const id of ids) {
    const doc = state.entries.get(id)?.doc
    const summary = doc ? summaryOf(doc) : await summaryFromFiles(state, id).catch(() => null)
    if (summary) list.push(summary)
  }
  return list.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
}

async function summaryFromFiles(state: StoreState, id: string): Promise<SessionSummary> {
  const stamps = await stampsOf(state, id)
  const known = state.summaries.get(id)
  if (known && known.stamps === stamps) return known.summary
  const journalSize = (JSON.parse(stamps) as (number | null)[])[3] ?? 0
  if (journalSize === 0) {
    const header = parseHeader(await firstLine(state.snapshotFile(id)))
    if (header && header.id === id) {
      const summary = { id, title: header.title, kind: header.kind, updatedAt: header.updatedAt }
      state.summaries.set(id, { summary, stamps })
      return summary
    }
  }
  const entry = entryFor(state, id)
  const doc = await enqueue(state, entry, () => loaded(state, entry))
  return summaryOf(doc)
}
