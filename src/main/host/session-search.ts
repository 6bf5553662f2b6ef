import { z } from 'zod'
import { AppFailure } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'
import type { SessionDocument, SessionSearchHit, SessionService } from '../../shared/sessions'

const requestSchema = z.object({ query: z.string().max(200) }).strict()

/** Characters of context on each side of the word in an excerpt. */
const around = 40

interface Field {
  field: SessionSearchHit['field']
  text: string
}

/** Every text of a session a user may remember a word from, title first. */
function fieldsOf(doc: SessionDocument): Field[] {
  const fields: Field[] = [{ field: 'title', text: doc.title }]
  if (doc.system) fields.push({ field: 'system', text: doc.system })
  for (const node of doc.nodes) {
    const output = node.role === 'assistant' || node.role === 'completion'
    const text = node.text || (node.run?.tokens.map((t) => t.text).join('') ?? '')
    if (text) fields.push({ field: output ? 'output' : 'message', text })
  }
  return fields
}

function excerpt(field: Field, at: number, length: number): Omit<SessionSearchHit, 'id'> {
  if (field.field === 'title') return { field: 'title', excerpt: '', start: 0, length: 0 }
  const from = Math.max(0, at - around)
  const to = Math.min(field.text.length, at + length + around)
  const lead = from > 0 ? '…' : ''
  const piece = field.text.slice(from, to).replace(/\s/g, ' ')
  return {
    field: field.field,
    excerpt: `${lead}${piece}${to < field.text.length ? '…' : ''}`,
    start: lead.length + at - from,
    length,
  }
}

/** Where `doc` holds every word (lowercase), or null when one is missing. */
export function searchDocument(doc: SessionDocument, words: string[]): SessionSearchHit | null {
  const fields = fieldsOf(doc)
  const lower = fields.map((f) => f.text.toLowerCase())
  if (!words.every((w) => lower.some((text) => text.includes(w)))) return null
  const first = words[0] ?? ''
  const index = lower.findIndex((text) => text.includes(first))
  const field = fields[index]
  if (!field) return null
  return { ...excerpt(field, lower[index]?.indexOf(first) ?? 0, first.length), id: doc.id }
}

/**
 * Full-text search over the saved sessions, read through the store (which keeps what it has
 * loaded). The host holds the documents; sending every one to the page to search there would
 * move every token's numbers over the link for a few words of text.
 */
export function createSessionSearch(
  store: Pick<SessionService, 'listSessions' | 'loadSession'>,
): SessionService['searchSessions'] {
  return async (raw) => {
    const parsed = requestSchema.safeParse(raw)
    if (!parsed.success) {
      throw new AppFailure({ code: 'invalid-request', message: describeIssues(parsed.error) })
    }
    const words = parsed.data.query.toLowerCase().split(/\s+/).filter(Boolean)
    if (words.length === 0) return []
    const hits: SessionSearchHit[] = []
    for (const summary of await store.listSessions()) {
      // A session that cannot be read is reported by the store's own listing, not here.
      const doc = await store.loadSession({ id: summary.id }).catch(() => null)
      const hit = doc && searchDocument(doc, words)
      if (hit) hits.push(hit)
    }
    return hits
  }
}
