import type { GeneratedToken } from '../../../shared/contract'
import { toAppError } from '../../../shared/errors'
import { getConnection } from '../services/engine-connection'
import { createStore } from '../stores/store'

/**
 * Exact entropies read on demand for tokens whose run only bounded them, by the context before
 * the token: the step's distribution depends on nothing else, so any token after the same context
 * (a Generate again, a branch) shares the value. Kept while the window is open; the token's
 * saved session gets it too (`save`, sessions/entropy-saves.ts).
 */
export type ExactEntropyEntry =
  | { state: 'reading' }
  | { state: 'done'; bits: number }
  | { state: 'failed'; message: string; busy: boolean }

type Action =
  | { type: 'reading'; key: string }
  | { type: 'done'; key: string; bits: number }
  | { type: 'failed'; key: string; message: string; busy: boolean }

type State = ReadonlyMap<string, ExactEntropyEntry>

function reducer(state: State, action: Action): State {
  const next = new Map(state)
  if (action.type === 'reading') next.set(action.key, { state: 'reading' })
  else if (action.type === 'done') next.set(action.key, { state: 'done', bits: action.bits })
  else next.set(action.key, { state: 'failed', message: action.message, busy: action.busy })
  return next
}

export const exactEntropyStore = createStore<State, Action>(reducer, new Map())

/**
 * The same values by the token they were read for, for its chip: the chip's tint and label follow
 * the exact value at once, where they know the token but not the context before it.
 */
export const exactTokenEntropies = createStore<
  ReadonlyMap<GeneratedToken, number>,
  { token: GeneratedToken; bits: number }
>((state, { token, bits }) => new Map(state).set(token, bits), new Map())

/** The store's key for the step after `tokens`. */
export const contextKey = (tokens: readonly number[]) => tokens.join(',')

/**
 * Asks the engine for the exact entropy of the step after `tokens`. A value outside the token's
 * bounds means the model loaded now is not the one that generated it: said so, not shown.
 * `save` hears a value that was shown.
 */
export function readExactEntropy(
  tokens: readonly number[],
  token: GeneratedToken,
  save?: (bits: number) => void,
): void {
  const key = contextKey(tokens)
  if (exactEntropyStore.getState().get(key)?.state === 'reading') return
  // The engine's position counts the tokens before this one: the context must be all of them.
  if (tokens.length !== token.position) {
    const message = 'The context before this token is not known here, so it cannot be read again.'
    exactEntropyStore.dispatch({ type: 'failed', key, message, busy: false })
    return
  }
  const bounds = { lower: token.entropyBits, upper: token.entropyUpperBits ?? token.entropyBits }
  exactEntropyStore.dispatch({ type: 'reading', key })
  getConnection()
    .bridge.exactEntropy({ tokens: [...tokens] })
    .then(({ entropyBits }) => {
      // The bounds hold the exact value up to float32 rounding in the engine's read.
      const slack = 1e-3
      if (entropyBits < bounds.lower - slack || entropyBits > bounds.upper + slack)
        exactEntropyStore.dispatch({
          type: 'failed',
          key,
          message: `The loaded model gives ${entropyBits.toFixed(2)} bits here, outside this token's bounds: it is not the model that generated this token.`,
          busy: false,
        })
      else {
        exactEntropyStore.dispatch({ type: 'done', key, bits: entropyBits })
        exactTokenEntropies.dispatch({ token, bits: entropyBits })
        save?.(entropyBits)
      }
    })
    .catch((error: unknown) => {
      const appError = toAppError(error)
      const busy = appError.code === 'run-busy'
      const message = busy
        ? 'The engine is busy: the exact value once the run ends.'
        : appError.message
      exactEntropyStore.dispatch({ type: 'failed', key, message, busy })
    })
}
