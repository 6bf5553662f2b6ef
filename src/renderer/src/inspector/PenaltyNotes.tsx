import { useId } from 'react'
import type { PenalisedCandidates } from '../../../shared/lab-penalties'
import type { SamplingSettings } from '../../../shared/schemas'
import { focusRing, mutedText } from '../lib/ui'
import { showWhitespace } from '../lib/whitespace'

const shown = 6

/** What the run's penalties did at this step, and a switch to undo them. */
export function PenaltyNotes(props: {
  penalised: PenalisedCandidates
  applied: boolean
  onApplied: (applied: boolean) => void
  settings: SamplingSettings | null
}) {
  const { penalised, applied, onApplied, settings } = props
  const id = useId()
  const changes = penalised.changes
  const repeat = settings?.repeatPenalty ?? 1
  return (
    <div
      data-testid="lab-penalties"
      className="space-y-1.5 rounded-md border border-slate-200 px-2.5 py-2 text-xs dark:border-slate-700"
    >
      <div className="flex items-center gap-2">
        <input
          id={id}
          type="checkbox"
          data-testid="lab-apply-penalties"
          checked={applied}
          onChange={(event) => onApplied(event.target.checked)}
          className={`size-3.5 accent-violet-600 ${focusRing}`}
        />
        <label htmlFor={id} className="font-medium">
          Apply the run’s penalties
        </label>
        <span data-testid="lab-penalty-settings" className={`ml-auto text-right ${mutedText}`}>
          {penaltyLine(settings)}
        </span>
      </div>
      {changes.length === 0 ? (
        <p className={mutedText}>
          None of the stored candidates occurs in the penalty window here.
        </p>
      ) : (
        <ul className="space-y-0.5" aria-label="Candidates the penalties moved">
          {changes.slice(0, shown).map((change) => (
            <li
              key={change.id}
              data-testid="lab-penalty"
              data-token-id={change.id}
              data-before={change.before}
              data-after={change.after}
              className="flex items-baseline gap-2 tabular-nums"
            >
              <span className="max-w-[7rem] truncate rounded bg-slate-100 px-1 font-mono whitespace-pre dark:bg-slate-800">
                {showWhitespace(change.text)}
              </span>
              <span className={mutedText}>seen {change.count}×</span>
              <span className="ml-auto">
                logit {(change.after - change.before).toFixed(2)}
                {change.outOfReach && (
                  <span
                    className={`ml-1 ${mutedText}`}
                    title="It fell below every token that was not stored"
                  >
                    (out of the stored list)
                  </span>
                )}
              </span>
            </li>
          ))}
          {changes.length > shown && (
            <li className={mutedText}>and {changes.length - shown} more</li>
          )}
        </ul>
      )}
      <p className={`leading-snug ${mutedText}`}>
        The chain ran on these penalised logits; the bars’ “before” stays the model’s own
        probability.
        {repeat !== 1 &&
          ` A repeat penalty of ${repeat} divides a repeated token’s positive logit by ${repeat} and multiplies a negative one by it: the changes are llama.cpp’s own, stored with the run.`}
      </p>
    </div>
  )
}

/** The run's penalty settings in one line: the repeat penalty only when it is on. */
function penaltyLine(settings: SamplingSettings | null): string {
  const repeat = settings?.repeatPenalty ?? 1
  const parts = repeat !== 1 ? [`repeat ${repeat}`] : []
  parts.push(`frequency ${settings?.frequencyPenalty ?? 0}`)
  parts.push(`presence ${settings?.presencePenalty ?? 0}`)
  return parts.join(' · ')
}
