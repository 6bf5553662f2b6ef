import { useStore } from '../hooks/useStore'
import { formatCount } from '../lib/format'
import { card, cardTitle, mutedText } from '../lib/ui'
import { branchStore } from '../inspector/stores'
import { shownCounts } from '../inspector/useBranchView'
import { contextUsage } from '../lib/numbering'
import { engineStore, runStore } from '../stores/stores'
import type { TokenCount } from '../hooks/useTokenCount'

/** Warn once the context is this full: the run will soon stop with "context full". */
const nearlyFull = 0.9

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.min(100, (part / whole) * 100)}%` : '0%'
}

/** Before the first run, the prompt being typed (`draft`) is what the context will hold. */
export function ContextGauge({ draft }: { draft: TokenCount }) {
  const modelSize = useStore(engineStore, (s) => s.status?.model?.contextSize ?? null)
  const run = useStore(runStore, (s) => s)
  const tree = useStore(branchStore, (s) => s)
  const usage = contextUsage(shownCounts(run, tree), run.contextSize ?? modelSize ?? 0)
  const typed = run.phase === 'idle' && draft.count !== null
  const { used, size, prompt, generated } = typed
    ? { ...usage, used: draft.count ?? 0, prompt: draft.count ?? 0, generated: 0 }
    : usage
  const full = size > 0 && used / size >= nearlyFull
  const over = typed && size > 0 && used + 2 > size
  return (
    <section
      data-testid="context-gauge"
      data-used={used}
      data-typed={typed ? true : undefined}
      data-size={size}
      aria-labelledby="context-gauge-title"
      className={`${card} p-4`}
    >
      <div className="flex items-baseline justify-between">
        <h2 id="context-gauge-title" className={cardTitle}>
          Context
        </h2>
        <p className="text-sm tabular-nums">
          <span className={`font-semibold ${over ? 'text-red-600 dark:text-red-400' : ''}`}>
            {formatCount(used)}
          </span>
          <span className={mutedText}> / {size > 0 ? formatCount(size) : '—'} tokens</span>
        </p>
      </div>
      <div
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={size}
        aria-valuenow={used}
        aria-valuetext={`${used} of ${size} tokens used: ${prompt} prompt, ${generated} generated`}
        className="mt-3 flex h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
      >
        <div
          className={`h-full transition-[width] duration-150 ${over ? 'bg-red-500' : 'bg-slate-400 dark:bg-slate-500'}`}
          style={{ width: percent(prompt, size) }}
        />
        <div
          className={`h-full transition-[width] duration-150 ${full ? 'bg-orange-500' : 'bg-violet-500'}`}
          style={{ width: percent(generated, size) }}
        />
      </div>
      <dl className="mt-2.5 flex gap-4 text-xs tabular-nums">
        <div className="flex items-center gap-1.5">
          <span aria-hidden="true" className="size-2 rounded-sm bg-slate-400 dark:bg-slate-500" />
          <dt className={mutedText}>Prompt</dt>
          <dd className="font-medium">{formatCount(prompt)}</dd>
        </div>
        <div className="flex items-center gap-1.5">
          <span aria-hidden="true" className="size-2 rounded-sm bg-violet-500" />
          <dt className={mutedText}>Generated</dt>
          <dd className="font-medium">{formatCount(generated)}</dd>
        </div>
        <div className="ml-auto flex items-center gap-1.5">
          <dt className={mutedText}>Free</dt>
          <dd className="font-medium">{size > 0 ? formatCount(Math.max(0, size - used)) : '—'}</dd>
        </div>
      </dl>
      {full && !over && (
        <p className="mt-2 text-xs text-orange-700 dark:text-orange-300">
          Almost full: the run stops when the context runs out.
        </p>
      )}
    </section>
  )
}
