import { focusRing } from '../../lib/ui'
import type { ScoreMode } from './ScoreTokens'

const modes: { id: ScoreMode; label: string; hint: string }[] = [
  { id: 'probability', label: 'Probability', hint: 'How likely the model found each token' },
  { id: 'surprise', label: 'Surprise', hint: '−log2 p: bits of surprise' },
  { id: 'entropy', label: 'Uncertainty', hint: 'How spread out its guess was before the token' },
  { id: 'rank', label: 'Rank', hint: 'GLTR: top 10, top 100, top 1,000 or beyond' },
]

/** What the chips' colours show. */
export function ScoreModeSwitch(props: { mode: ScoreMode; onMode: (mode: ScoreMode) => void }) {
  return (
    <div
      role="group"
      aria-label="Colour tokens by"
      className="inline-flex rounded-lg border border-slate-200 bg-slate-50 p-0.5 text-[11px] dark:border-slate-700 dark:bg-slate-800"
    >
      {modes.map((m) => (
        <button
          key={m.id}
          type="button"
          data-testid={`score-mode-${m.id}`}
          aria-pressed={props.mode === m.id}
          title={m.hint}
          onClick={() => props.onMode(m.id)}
          className={`rounded-md px-2 py-0.5 font-medium ${focusRing} ${
            props.mode === m.id
              ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white'
              : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
          }`}
        >
          {m.label}
        </button>
      ))}
    </div>
  )
}
