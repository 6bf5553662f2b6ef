import { useEffect, useState } from 'react'
import type { SessionSearchHit } from '../../../shared/sessions'
import { getConnection } from '../services/engine-connection'

const searchDelayMs = 200

/**
 * The host's full-text hits for `query`, by session id: null while none have come for this query
 * (the sidebar filters by title meanwhile). `version` (the session list) asks again after a save.
 */
export function useSessionSearch(
  query: string,
  version: unknown,
): ReadonlyMap<string, SessionSearchHit> | null {
  const [found, setFound] = useState<{ query: string; hits: Map<string, SessionSearchHit> }>()
  const trimmed = query.trim()
  useEffect(() => {
    if (trimmed === '') return
    let stale = false
    const timer = setTimeout(() => {
      getConnection()
        .bridge.searchSessions({ query: trimmed })
        .then((hits) => {
          if (!stale) setFound({ query: trimmed, hits: new Map(hits.map((h) => [h.id, h])) })
        })
        .catch(() => undefined)
    }, searchDelayMs)
    return () => {
      stale = true
      clearTimeout(timer)
    }
  }, [trimmed, version])
  return trimmed !== '' && found?.query === trimmed ? found.hits : null
}

/** `text` cut into the parts that match a word of `query` (ignoring case) and the rest. */
export function highlightParts(text: string, query: string): { text: string; hit: boolean }[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0 || text === '') return [{ text, hit: false }]
  const lower = text.toLowerCase()
  const marked = new Array<boolean>(text.length).fill(false)
  for (const word of words) {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length))
      marked.fill(true, at, at + word.length)
  }
  const parts: { text: string; hit: boolean }[] = []
  for (let i = 0; i < text.length; i++) {
    const last = parts[parts.length - 1]
    if (last && last.hit === marked[i]) last.text += text[i]
    else parts.push({ text: text[i] ?? '', hit: marked[i] ?? false })
  }
  return parts
}
