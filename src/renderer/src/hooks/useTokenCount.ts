import { useEffect, useState } from 'react'
import { getConnection } from '../services/engine-connection'
import { canGenerate } from '../stores/engine-reducer'
import { engineStore } from '../stores/stores'
import { useStore } from './useStore'

/** Quiet time after the last keystroke before the text is counted. */
export const countDelayMs = 250

export interface TokenCount {
  /** Tokens of the texts, as last counted; null before the first count or with no model. */
  count: number | null
  /** Whether `count` is for the texts as they are now (not an older version still shown). */
  current: boolean
}

interface Counted {
  key: string
  count: number
}

/**
 * Counts the loaded model's tokens in `texts` as the user types: after a quiet moment, through
 * the bridge. An answer for texts that have changed since is dropped, and a change cancels the
 * count not yet asked for; until the new count arrives the previous one stays on screen.
 */
export function useTokenCount(texts: readonly string[]): TokenCount {
  const model = useStore(engineStore, (s) =>
    canGenerate(s) ? `${s.status?.model?.path}\u0000${s.status?.model?.contextSize}` : null,
  )
  const key = `${model}\u0000${texts.join('\u0000')}`
  const [counted, setCounted] = useState<Counted | null>(null)
  const empty = texts.every((t) => t === '')

  useEffect(() => {
    if (model === null || empty) return
    let stale = false
    const timer = setTimeout(() => {
      const bridge = getConnection().bridge
      Promise.all(texts.map((text) => (text === '' ? [] : bridge.tokenize({ text }))))
        .then((lists) => {
          if (!stale) setCounted({ key, count: lists.reduce((n, l) => n + l.length, 0) })
        })
        .catch(() => undefined)
    }, countDelayMs)
    return () => {
      stale = true
      clearTimeout(timer)
    }
    // `key` stands for `texts` and `model`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])

  if (model === null) return { count: null, current: false }
  if (empty) return { count: 0, current: true }
  return { count: counted?.count ?? null, current: counted?.key === key }
}

/**
 * Why a prompt of `tokens` cannot run in a context of `size`, or null when it fits. The engine
 * needs the prompt (with a BOS token the count leaves out) plus one token of room to write.
 */
export function tooLongReason(
  tokens: number | null,
  size: number | null | undefined,
  what: string,
): string | null {
  if (tokens === null || !size || tokens + 2 <= size) return null
  return `${what} is ${tokens.toLocaleString('en-US')} tokens but the context holds ${size.toLocaleString('en-US')}: shorten it, or load the model with a larger context`
}
