import { useEffect, useState } from 'react'
import type { TokenText } from '../../../../shared/contract'
import { toAppError } from '../../../../shared/errors'
import { useStore } from '../../hooks/useStore'
import { countDelayMs } from '../../hooks/useTokenCount'
import { getConnection } from '../../services/engine-connection'
import { canGenerate } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'

export interface Tokenized {
  /** The last answer; null before the first one or with no model. */
  tokens: TokenText[] | null
  /** Whether `tokens` are for the text and switch as they are now. */
  current: boolean
  error: string | null
}

interface Answer {
  key: string
  tokens: TokenText[] | null
  error: string | null
}

/**
 * The loaded model's tokens of `text`, asked for after a quiet moment while the user types. An
 * answer for an older text is dropped; until the new one arrives the old tokens stay on screen.
 */
export function useTokenized(text: string, specialTokens: boolean): Tokenized {
  const model = useStore(engineStore, (s) =>
    canGenerate(s) ? (s.status?.model?.path ?? '') : null,
  )
  const key = `${model}\u0000${specialTokens}\u0000${text}`
  const [answer, setAnswer] = useState<Answer | null>(null)

  useEffect(() => {
    if (model === null) return
    let stale = false
    const timer = setTimeout(() => {
      getConnection()
        .bridge.tokenize({ text, specialTokens })
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
    // `key` stands for the text, the switch and the model.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])

  if (model === null) return { tokens: null, current: false, error: null }
  return {
    tokens: answer?.tokens ?? null,
    current: answer?.key === key,
    error: answer?.key === key ? answer.error : null,
  }
}
