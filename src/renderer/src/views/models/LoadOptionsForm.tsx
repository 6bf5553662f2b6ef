import { useId, useState } from 'react'
import { useStore } from '../../hooks/useStore'
import { focusRing, mutedText } from '../../lib/ui'
import { modelsStore, setLoadOptions } from './models-actions'
import { optionLimits, parseCountInput } from './models-format'
import { smallInput } from './models-ui'

export interface LoadOptionsFormProps {
  /** The machine's CPU threads, for the threads field's hint. */
  maxThreads: number | null
}

type GpuMode = 'auto' | 'max' | 'custom'

const gpuModes: { mode: GpuMode; label: string }[] = [
  { mode: 'auto', label: 'Auto' },
  { mode: 'max', label: 'All' },
  { mode: 'custom', label: 'Layers' },
]

/** GPU layers (auto / all / N), context size, threads and batch size. */
export function LoadOptionsForm({ maxThreads }: LoadOptionsFormProps) {
  const id = useId()
  const options = useStore(modelsStore, (s) => s.options)
  const trained = useStore(modelsStore, (s) => s.inspection?.card.trainedContextSize ?? null)
  const layers = useStore(modelsStore, (s) => s.inspection?.card.layers ?? null)
  const mode: GpuMode = typeof options.gpuLayers === 'number' ? 'custom' : options.gpuLayers
  return (
    <div className="flex flex-col gap-3">
      <fieldset>
        <legend className="mb-1 text-sm">GPU layers</legend>
        <div className="flex items-center gap-2">
          <div
            role="radiogroup"
            aria-label="GPU offload"
            className="inline-flex rounded-lg border border-slate-300 p-0.5 dark:border-slate-700"
          >
            {gpuModes.map((entry) => (
              <button
                key={entry.mode}
                type="button"
                role="radio"
                aria-checked={mode === entry.mode}
                data-testid={`gpu-layers-${entry.mode}`}
                className={`h-7 rounded-md px-2.5 text-xs font-medium ${focusRing} ${
                  mode === entry.mode
                    ? 'bg-violet-600 text-white dark:bg-violet-500'
                    : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
                }`}
                onClick={() =>
                  setLoadOptions({
                    gpuLayers:
                      entry.mode === 'custom'
                        ? typeof options.gpuLayers === 'number'
                          ? options.gpuLayers
                          : 0
                        : entry.mode,
                  })
                }
              >
                {entry.label}
              </button>
            ))}
          </div>
          {mode === 'custom' && (
            <CountInput
              label="Layers on the GPU"
              testId="gpu-layers-input"
              value={typeof options.gpuLayers === 'number' ? options.gpuLayers : 0}
              max={optionLimits.gpuLayers}
              placeholder="0"
              onChange={(gpuLayers) => setLoadOptions({ gpuLayers })}
              hideLabel
            />
          )}
        </div>
        <p id={`${id}-gpu`} className={`mt-1 text-xs leading-snug ${mutedText}`}>
          {mode === 'auto'
            ? 'Offloads as many layers as the GPU can hold.'
            : mode === 'max'
              ? 'Every layer on the GPU; fails if it cannot hold them.'
              : `0 keeps everything on the CPU${layers !== null ? `; this model has ${layers} layers` : ''}.`}
        </p>
      </fieldset>
      <div className="grid grid-cols-3 gap-2">
        <CountInput
          label="Context"
          testId="context-size-input"
          value={options.contextSize}
          max={optionLimits.contextSize}
          placeholder="auto"
          title={`Tokens; blank picks ${trained !== null ? `min(${trained}, 4096)` : 'the trained size, at most 4096'}`}
          onChange={(contextSize) => setLoadOptions({ contextSize })}
        />
        <CountInput
          label="Threads"
          testId="threads-input"
          value={options.threads}
          max={optionLimits.threads}
          placeholder="auto"
          title={maxThreads !== null ? `This machine has ${maxThreads}` : undefined}
          onChange={(threads) => setLoadOptions({ threads })}
        />
        <CountInput
          label="Batch"
          testId="batch-size-input"
          value={options.batchSize}
          max={optionLimits.batchSize}
          placeholder="auto"
          title="Tokens evaluated per batch"
          onChange={(batchSize) => setLoadOptions({ batchSize })}
        />
      </div>
      <p className={`-mt-1 text-xs ${mutedText}`}>Leave a field blank to let the engine decide.</p>
    </div>
  )
}

interface CountInputProps {
  label: string
  testId: string
  value: number
  max: number
  placeholder: string
  onChange: (value: number) => void
  title?: string
  hideLabel?: boolean
}

/** A whole-number field where blank (0) means automatic; invalid text is marked, not applied. */
function CountInput(props: CountInputProps) {
  const { label, testId, value, max, placeholder, onChange, title, hideLabel } = props
  const id = useId()
  const [draft, setDraft] = useState<string | null>(null)
  const shown = draft ?? (value === 0 && placeholder === 'auto' ? '' : String(value))
  const invalid = draft !== null && parseCountInput(draft, max) === null
  return (
    <div className={hideLabel ? 'w-20' : 'min-w-0'}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : `mb-0.5 block text-xs ${mutedText}`}>
        {label}
      </label>
      <input
        id={id}
        data-testid={testId}
        inputMode="numeric"
        title={title}
        placeholder={placeholder}
        aria-invalid={invalid || undefined}
        className={`${smallInput} ${invalid ? 'border-red-400 dark:border-red-600' : ''}`}
        value={shown}
        onChange={(event) => {
          setDraft(event.target.value)
          const parsed = parseCountInput(event.target.value, max)
          if (parsed !== null) onChange(parsed)
        }}
        onBlur={() => {
          if (!invalid) setDraft(null)
        }}
      />
    </div>
  )
}
