import { useState } from 'react'
import { useStore } from '../hooks/useStore'
import { mutedText } from '../lib/ui'
import { parseStopLines, stopLinesOf } from '../stores/settings'
import { settingsStore } from '../stores/stores'
import { limits } from '../../../shared/schemas'

/** One empty list, so the store's snapshot stays the same while there are none. */
const noStop: readonly string[] = []

/**
 * Texts that end a run where they appear, one per line (`\n` for a newline). What is typed stays
 * as typed; the parsed strings go to `onStop` on every change.
 */
export function StopStringsField(props: {
  stop: readonly string[]
  onStop: (stop: string[]) => void
  testId?: string
  /** Without the explanation under the field (where space is short). */
  compact?: boolean
}) {
  const { stop, onStop, compact = false } = props
  const [draft, setDraft] = useState<string | null>(null)
  const text = draft ?? stopLinesOf(stop)
  return (
    <label
      className={compact ? 'block text-sm' : 'block py-2 text-sm'}
      title="The run ends as soon as its text contains one of these."
    >
      <span className="font-medium">Stop at</span>
      <span className={`ml-2 text-xs ${mutedText}`}>
        {stop.length === 0 ? 'none' : `${stop.length} of ${limits.stopStrings}`}
      </span>
      <textarea
        data-testid={props.testId ?? 'stop-strings-input'}
        value={text}
        rows={compact ? 1 : 2}
        spellCheck={false}
        placeholder={'One per line, e.g. User:  or  \\n\\n'}
        onChange={(event) => {
          setDraft(event.target.value)
          onStop(parseStopLines(event.target.value))
        }}
        onBlur={() => setDraft(null)}
        className="mt-1 block w-full resize-y rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
      />
      {!compact && (
        <span className={`mt-0.5 block text-xs ${mutedText}`}>
          The run ends where one appears; the text up to it is kept.
        </span>
      )}
    </label>
  )
}

/** The sampling panel's stop strings, used by Completion and Chat and remembered. */
export function StopStringsControl() {
  const stop = useStore(settingsStore, (s) => s.stop ?? noStop)
  return (
    <StopStringsField
      stop={stop}
      onStop={(next) => settingsStore.dispatch({ type: 'stopSet', stop: next })}
    />
  )
}
