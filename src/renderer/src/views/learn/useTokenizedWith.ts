import { useEffect, useState } from 'react'
import type { TokenText } from '../../../../shared/contract'
import { toAppError } from '../../../../shared/errors'
import type { ModelSource } from '../../../../shared/schemas'
import { useStore } from '../../hooks/useStore'
import { countDelayMs } from '../../hooks/useTokenCount'
import { getConnection } from '../../services/engine-connection'
import { engineStore } from '../../stores/stores'
import type { Tokenized } from './useTokenized'

interface Answer {
  key: string
  tokens: TokenText[] | null
  error: string | null
}

/**
 * `text` split by the tokenizer of the file `source` names (its vocabulary alone, opened by the
 * engine without weights), asked for after a quiet moment while the user types. Works with no
 * model loaded; null `source` asks nothing.
 */
export function useTokenizedWith(
  source: ModelSource | null,
  text: string,
  specialTokens: boolean,
): Tokenized & { pending: boolean } {
  const ready = useStore(
    engineStore,
    (s) => s.link === 'open' && s.status !== null && s.status.state !== 'starting',
  )
  const sourceKey = source ? (source.kind === 'demo' ? 'demo' : source.path) : null
  const key = `${sourceKey}\u0000${specialTokens}\u0000${text}`
  const [answer, setAnswer] = useState<Answer | null>(null)

  useEffect(() => {
    if (!ready || source === null) return
    let stale = false
    const timer = setTimeout(() => {
      getConnection()
        .bridge.tokenizeWith({ source, text, specialTokens })
        .then(
          (tokens) => !stale && setAnswer({ key, tokens, error: null }),
          (error: unknown) =>
            !stale && setAnswer({ key, tokens: null, error: toAppError(error).message }),
        )
    }, countDelayMs)
    return () => {
      stale = true
      clearTimeout(timer)
    }
    // `key` stands for the source, the text and the switch.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, ready])

  if (source === null) return { tokens: null, current: false, error: null, pending: false }
  const current = answer?.key === key
  // Another file's tokens are not this one's: only the same file's older answer stays shown.
  const sameFile = answer?.key.split('\u0000')[0] === sourceKey
  return {
    tokens: sameFile ? (answer?.tokens ?? null) : null,
    current,
    error: current ? (answer?.error ?? null) : null,
    pending: !current,
  }
}
