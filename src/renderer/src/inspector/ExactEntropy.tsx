import type { GeneratedToken } from '../../../shared/contract'
import { useStore } from '../hooks/useStore'
import { isEntropyBounded } from '../lib/entropy-bound'
import { ghostButton, mutedText } from '../lib/ui'
import type { EntropySaver } from '../sessions/entropy-saves'
import { engineStore } from '../stores/stores'
import { contextKey, exactEntropyStore, readExactEntropy } from './exact-entropy-store'

/** The exact entropy known for `token`'s step, or undefined (not bounded, or not read yet). */
export function useExactEntropy(
  token: GeneratedToken,
  contextBefore: (() => readonly number[]) | undefined,
) {
  const key = isEntropyBounded(token) && contextBefore ? contextKey(contextBefore()) : null
  const entry = useStore(exactEntropyStore, (s) => (key === null ? undefined : s.get(key)))
  return { entry, bits: entry?.state === 'done' ? entry.bits : undefined }
}

/**
 * For a token whose entropy is bounded: a button that reads the exact value, by evaluating the
 * context before the token again (what the context still holds of it is reused) and reading every
 * probability once. On request, not on every pin: on a large vocabulary it costs about a step,
 * and it has to wait for the engine, which a run may hold.
 */
export function ExactEntropy(props: {
  token: GeneratedToken
  contextBefore: () => readonly number[]
  /** Where the value read is saved, asked for when the read starts. */
  saver?: () => EntropySaver | null
}) {
  const { token, contextBefore } = props
  const { entry } = useExactEntropy(token, contextBefore)
  const running = useStore(
    engineStore,
    (s) => Object.keys(s.pageRuns).length > 0 || s.otherRunId !== null,
  )
  if (!isEntropyBounded(token) || entry?.state === 'done') return null
  const ask = () => {
    const tokens = contextBefore()
    readExactEntropy(tokens, token, props.saver?.() ?? undefined)
  }
  const reading = entry?.state === 'reading'
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-2 px-1 text-xs">
      <button
        type="button"
        data-testid="exact-entropy"
        className={`${ghostButton} h-6 border border-slate-200 px-2 dark:border-slate-700`}
        disabled={reading || running}
        onClick={ask}
        title="Evaluate the context before this token again and read every probability of this step once: the exact entropy instead of its bounds"
      >
        {reading ? 'Reading…' : 'Exact entropy'}
      </button>
      <span data-testid="exact-entropy-status" className={mutedText} role="status">
        {running
          ? 'Exact value once the run ends.'
          : entry?.state === 'failed'
            ? entry.message
            : ''}
      </span>
    </div>
  )
}
