import { useId, useMemo, useState } from 'react'
import type { GeneratedToken } from '../../../shared/contract'
import { incompleteReason, labCandidates, labStep, type ChainSettings } from '../../../shared/lab'
import { penaliseForLab } from '../../../shared/lab-penalties'
import { limits, type SamplingSettings } from '../../../shared/schemas'
import { formatPercent } from '../lib/format'
import { focusRing, ghostButton, mutedText, secondaryButton } from '../lib/ui'
import { settingsStore } from '../stores/stores'
import { useHeldCandidates } from '../sessions/held-candidates'
import { LabChart } from './LabChart'
import { LabKnob, knobs } from './LabKnob'
import { controlTooltips } from './presets'
import { PenaltyNotes } from './PenaltyNotes'

export interface SamplingLabProps {
  token: GeneratedToken
  settings: ChainSettings
  onChange: (settings: ChainSettings) => void
  /** The settings the run used, to go back to. */
  runSettings: SamplingSettings | null
  /** The context's token ids before this token, for the run's penalties. */
  contextBefore?: () => readonly number[]
}

function Stat(props: {
  label: string
  value: string
  testId: string
  hint: string
  raw?: number | null
}) {
  return (
    <div className="rounded-md bg-slate-50 px-2 py-1.5 dark:bg-slate-800/60" title={props.hint}>
      <div className={`text-[10px] ${mutedText}`}>{props.label}</div>
      <div
        data-testid={props.testId}
        data-value={props.raw ?? undefined}
        className="text-sm font-semibold tabular-nums"
      >
        {props.value}
      </div>
    </div>
  )
}

/**
 * What the sampler chain makes of this step's distribution, for any settings, live: computed
 * from the stored raw logits of the top candidates, never by asking the model again. A streamed
 * token's candidates after its alternatives are held by the host until the Lab opens on it.
 */
export function SamplingLab(props: SamplingLabProps) {
  const held = useHeldCandidates(props.token)
  if (held.ready) return <LabWithCandidates {...props} />
  return (
    <p
      data-testid="lab-candidates-state"
      role="status"
      className={`mt-3 text-xs ${held.error ? 'text-rose-700 dark:text-rose-300' : mutedText}`}
    >
      {held.error
        ? `This step's candidates could not be read: ${held.error}`
        : "Reading this step's candidates…"}
    </p>
  )
}

function LabWithCandidates(props: SamplingLabProps) {
  const { token, settings, onChange, runSettings, contextBefore } = props
  const { candidates, tailMass } = useMemo(() => labCandidates(token), [token])
  const [withPenalties, setWithPenalties] = useState(true)
  const penalised = useMemo(
    () =>
      runSettings && contextBefore
        ? penaliseForLab(candidates, contextBefore(), runSettings)
        : null,
    [candidates, runSettings, contextBefore],
  )
  const applied = withPenalties ? penalised : null
  const lab = useMemo(
    () =>
      applied
        ? labStep(applied.candidates, settings, tailMass, applied.fullWeight)
        : labStep(candidates, settings, tailMass),
    [applied, candidates, tailMass, settings],
  )
  const greedy = settings.temperature === 0
  const set = (key: keyof ChainSettings) => (value: number) =>
    onChange({ ...settings, [key]: value })
  const stored = candidates.length
  const greedyId = useId()
  return (
    <div data-testid="sampling-lab" data-complete={lab.complete} className="space-y-3">
      {/* The chart stays in view while the controls below it scroll, where the window is tall
          enough to leave room under it. */}
      <div className="-mx-3 [@media(min-height:760px)]:sticky [@media(min-height:760px)]:-top-2 [@media(min-height:760px)]:z-10 border-b border-slate-100 bg-white px-3 pt-1 pb-2 dark:border-slate-800 dark:bg-slate-900">
        <LabChart lab={lab} />
        <div className={`mt-1 flex flex-wrap gap-x-3 gap-y-1 text-[11px] ${mutedText}`}>
          <Swatch className="bg-sky-500" label="before (model)" />
          <Swatch className="bg-violet-600 dark:bg-violet-400" label="after the chain" />
          <Swatch className="h-0.5 bg-amber-500" label="cumulative (right axis)" />
          {lab.minPThreshold !== null && (
            <Swatch className="h-0.5 bg-rose-500" label="min-p threshold" />
          )}
        </div>
      </div>
      <div className="grid grid-cols-3 gap-2">
        <Stat
          label="Tokens kept"
          value={lab.keptCount === null ? '?' : String(lab.keptCount)}
          raw={lab.keptCount}
          testId="lab-kept-count"
          hint="How many tokens the chain leaves to sample from"
        />
        <Stat
          label="Probability kept"
          value={lab.keptMass === null ? '?' : formatPercent(lab.keptMass)}
          raw={lab.keptMass}
          testId="lab-kept-mass"
          hint="The model's probability of the tokens the chain keeps, before it renormalises them"
        />
        <Stat
          label="Tail not shown"
          value={formatPercent(lab.tailMass)}
          raw={lab.tailMass}
          testId="lab-tail"
          hint={`Model probability of every token beyond the ${stored} stored ones: the Lab cannot draw it`}
        />
      </div>
      <div className="space-y-1.5">
        <div className="flex items-center gap-2" title={controlTooltips.greedy}>
          <input
            id={greedyId}
            type="checkbox"
            data-testid="lab-greedy"
            checked={greedy}
            onChange={(event) =>
              onChange({
                ...settings,
                temperature: event.target.checked ? 0 : runSettings?.temperature || 0.8,
              })
            }
            className={`size-3.5 accent-violet-600 ${focusRing}`}
          />
          <label htmlFor={greedyId} className="text-xs font-medium">
            Greedy (temperature 0)
          </label>
        </div>
        {knobs.map((knob) => (
          <LabKnob
            key={knob.key}
            knob={knob}
            value={settings[knob.key]}
            onChange={set(knob.key)}
            disabled={greedy && knob.key !== 'temperature'}
          />
        ))}
      </div>
      {penalised && (
        <PenaltyNotes
          penalised={penalised}
          applied={withPenalties}
          onApplied={setWithPenalties}
          settings={runSettings}
        />
      )}
      {!lab.complete && (
        <p
          data-testid="lab-incomplete"
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-2.5 py-2 text-xs leading-snug text-amber-900 dark:border-amber-700 dark:bg-amber-950/60 dark:text-amber-100"
        >
          {incompleteReason(settings, stored)} Set top-k to {stored} or less, lower top-p or raise
          min-p — or report more alternatives per token (up to {limits.topN}) in the next run.
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="lab-apply"
          className={`${secondaryButton} h-8 text-xs`}
          title="Copy these four settings into the sampling panel for the next run"
          onClick={() => {
            for (const key of ['temperature', 'topK', 'topP', 'minP'] as const) {
              settingsStore.dispatch({ type: 'set', key, value: settings[key] })
            }
          }}
        >
          Apply to next run
        </button>
        {runSettings && (
          <button
            type="button"
            data-testid="lab-reset"
            className={`${ghostButton} text-xs`}
            onClick={() => onChange(runSettings)}
          >
            Back to this run’s settings
          </button>
        )}
      </div>
      <p className={`text-xs leading-snug ${mutedText}`}>
        The next-token distribution at this step, before and after the sampler chain, from the{' '}
        {stored} stored candidates. Move the sliders: nothing is sent to the model.
      </p>
    </div>
  )
}

function Swatch({ className, label }: { className: string; label: string }) {
  return (
    <span className="flex items-center gap-1">
      <span aria-hidden="true" className={`inline-block h-2 w-3 rounded-sm ${className}`} />
      {label}
    </span>
  )
}
