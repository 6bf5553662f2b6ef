import { useState } from 'react'
import { PlayIcon, StopIcon } from '../../components/Icons'
import { countOf } from '../../lib/format'
import { focusRing, ghostButton, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { limits } from '../../../../shared/schemas'
import { DownloadIcon } from '../../sessions/SessionIcons'
import { StopStringsField } from '../../components/StopStringsControl'
import { useStore } from '../../hooks/useStore'
import { SweepControl } from './SweepControl'
import { compareStore, generateAll, stopAll } from './compare-actions'
import { maxColumns, type CompareInput } from './compare-state'

export interface CompareToolbarProps {
  input: CompareInput
  prompt: string
  system: string
  columns: number
  sameSeed: boolean
  running: boolean
  stopping: boolean
  /** Why Generate cannot start; null when it can. */
  blocked: string | null
  hasOutput: boolean
  onExport: (format: 'json' | 'markdown') => void
}

const inputs: { id: CompareInput; label: string; hint: string }[] = [
  { id: 'completion', label: 'Completion', hint: 'Each column continues the raw text' },
  {
    id: 'chat',
    label: 'Chat message',
    hint: "Each column answers one user message, rendered with the model's chat template",
  },
]

/** One empty list, so the store's snapshot stays the same while there are none. */
const noStop: readonly string[] = []

const segmented = 'inline-flex rounded-lg bg-slate-100 p-0.5 dark:bg-slate-800'

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
const shortcut = isMac ? '⌘ Enter' : 'Ctrl Enter'

/**
 * The shared prompt, and what acts on all columns: generate, stop, columns, seed, sweep, export.
 * Kept to the prompt and one row (sweep, stop strings and seeds unfold under Options), so the
 * columns get the height.
 */
export function CompareToolbar(props: CompareToolbarProps) {
  const { prompt, columns, running, blocked } = props
  const canStart = !running && blocked === null
  const chat = props.input === 'chat'
  const [options, setOptions] = useState(false)
  const seedsLocked = useStore(compareStore, (s) => s.seedsLocked ?? false)
  const stop = useStore(compareStore, (s) => s.stop ?? noStop)
  const notes = [
    ...(stop.length > 0 ? [`${stop.length} stop`] : []),
    ...(seedsLocked ? ['seeds kept'] : []),
  ]
  // Set options show as a dot (named in the tooltip), so the row keeps its length.
  const optionNote = notes.join(', ')
  return (
    <div className="rounded-xl border border-slate-200 bg-white shadow-sm focus-within:border-violet-400 dark:border-slate-800 dark:bg-slate-900 dark:focus-within:border-violet-500">
      {chat && (
        <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-2 dark:border-slate-800">
          <label className="flex min-w-0 flex-1 items-center gap-2 text-xs">
            <span className={mutedText}>System prompt</span>
            <input
              data-testid="compare-system-input"
              value={props.system}
              maxLength={limits.promptChars}
              placeholder="Optional: how the assistant should behave"
              onChange={(event) =>
                compareStore.dispatch({ type: 'systemChanged', system: event.target.value })
              }
              className={`h-7 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 ${focusRing}`}
            />
          </label>
        </div>
      )}
      <label htmlFor="compare-prompt" className="sr-only">
        {chat ? 'User message for all columns' : 'Prompt for all columns'}
      </label>
      <textarea
        id="compare-prompt"
        data-testid="compare-prompt-input"
        value={prompt}
        maxLength={limits.promptChars}
        onChange={(event) =>
          compareStore.dispatch({ type: 'promptChanged', prompt: event.target.value })
        }
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault()
            if (canStart) generateAll()
          }
        }}
        rows={2}
        placeholder={
          chat
            ? 'Write a message; every column answers it with its own settings…'
            : 'Write the beginning of a text; every column continues it with its own settings…'
        }
        spellCheck={false}
        className="block max-h-[30vh] min-h-16 w-full resize-y rounded-t-xl bg-transparent px-4 pt-3 pb-2 font-mono text-sm leading-6 text-slate-900 placeholder:text-slate-400 focus:outline-none dark:text-slate-100 dark:placeholder:text-slate-500"
      />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2 border-t border-slate-100 px-3 py-2 dark:border-slate-800">
        <button
          type="button"
          data-testid="compare-generate"
          className={primaryButton}
          disabled={!canStart}
          title={blocked ?? `Generate all ${columns} columns in parallel`}
          onClick={generateAll}
        >
          <PlayIcon /> Generate {columns} in parallel
          <kbd className="ml-1 rounded bg-white/20 px-1 text-[11px] font-normal">{shortcut}</kbd>
        </button>
        {running && (
          <button
            type="button"
            data-testid="compare-stop"
            className={secondaryButton}
            disabled={props.stopping}
            onClick={stopAll}
          >
            <StopIcon className="text-red-600 dark:text-red-400" />{' '}
            {props.stopping ? 'Stopping…' : 'Stop all'}
          </button>
        )}
        {!running && blocked && prompt.trim() !== '' && (
          <span role="status" className="text-xs text-amber-700 dark:text-amber-300">
            {blocked}
          </span>
        )}
        <button
          type="button"
          data-testid="add-column"
          className={`${ghostButton} h-9`}
          disabled={running || columns >= maxColumns}
          title={columns >= maxColumns ? `At most ${maxColumns} columns` : 'Add a column'}
          onClick={() => compareStore.dispatch({ type: 'columnAdded' })}
        >
          + Column
        </button>
        <label
          className="flex items-center gap-1.5 text-sm"
          title="Every column samples with the same seed"
        >
          <input
            type="checkbox"
            data-testid="same-seed"
            className={`size-4 accent-violet-600 ${focusRing}`}
            checked={props.sameSeed}
            disabled={running}
            onChange={(event) =>
              compareStore.dispatch({ type: 'sameSeedChanged', sameSeed: event.target.checked })
            }
          />
          Same seed
        </label>
        <button
          type="button"
          data-testid="compare-options-toggle"
          aria-expanded={options}
          className={`${ghostButton} h-8`}
          onClick={() => setOptions(!options)}
          title={`Sweep a setting across the columns, stop strings, keeping seeds${optionNote ? ` (now: ${optionNote})` : ''}`}
        >
          Options
          {optionNote && (
            <>
              <span
                aria-hidden="true"
                data-testid="compare-options-set"
                className="size-1.5 rounded-full bg-violet-600 dark:bg-violet-400"
              />
              <span className="sr-only">({optionNote})</span>
            </>
          )}{' '}
          {options ? '▴' : '▾'}
        </button>
        <span className="ml-auto" />
        <div role="radiogroup" aria-label="What the columns continue" className={segmented}>
          {inputs.map((option) => (
            <button
              key={option.id}
              type="button"
              role="radio"
              aria-checked={props.input === option.id}
              data-testid={`compare-input-${option.id}`}
              disabled={running}
              title={option.hint}
              className={`rounded-md px-2.5 py-1 text-xs font-medium ${focusRing} ${
                props.input === option.id
                  ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white'
                  : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
              }`}
              onClick={() => compareStore.dispatch({ type: 'inputChanged', input: option.id })}
            >
              {option.label}
            </button>
          ))}
        </div>
        <span className={`hidden text-xs tabular-nums 2xl:inline ${mutedText}`}>
          {countOf(prompt.length, 'char')}
        </span>
        <button
          type="button"
          data-testid="export-json"
          className={`${ghostButton} h-8`}
          disabled={!props.hasOutput}
          onClick={() => props.onExport('json')}
          title="Export the settings, statistics and tokens of every column, as JSON"
        >
          <DownloadIcon className="size-3.5" /> JSON
        </button>
        <button
          type="button"
          data-testid="export-markdown"
          className={`${ghostButton} h-8`}
          disabled={!props.hasOutput}
          onClick={() => props.onExport('markdown')}
          title="Export the statistics of every column, as a Markdown table"
        >
          <DownloadIcon className="size-3.5" /> Table
        </button>
      </div>
      {options && (
        <div className="grid gap-x-6 gap-y-2 border-t border-slate-100 px-3 py-2 md:grid-cols-[auto_minmax(0,1fr)] dark:border-slate-800">
          <SweepControl columns={columns} disabled={running} />
          <label
            className="flex items-center gap-1.5 self-start text-sm md:justify-self-end"
            title="On: the columns keep their seeds, so a run can be reproduced. Off: every Generate draws new seeds, shown in each column."
          >
            <input
              type="checkbox"
              data-testid="keep-seeds"
              className={`size-4 accent-violet-600 ${focusRing}`}
              checked={seedsLocked}
              disabled={running}
              onChange={(event) =>
                compareStore.dispatch({ type: 'seedsLockChanged', locked: event.target.checked })
              }
            />
            Keep seeds
          </label>
          <div className="md:col-span-2">
            <StopStringsField
              compact
              stop={stop}
              testId="compare-stop-strings"
              onStop={(next) => compareStore.dispatch({ type: 'stopChanged', stop: next })}
            />
          </div>
        </div>
      )}
    </div>
  )
}
