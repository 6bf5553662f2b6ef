import { useStore } from '../hooks/useStore'
import { continueRun, startRun, stopRun } from '../services/actions'
import { countOf } from '../lib/format'
import { focusRing, mutedText, primaryButton, secondaryButton } from '../lib/ui'
import { busyReason, notReadyReasonFor } from '../stores/engine-reducer'
import { remoteEngineStore } from '../stores/remote-engine'
import { isActive } from '../stores/run-status'
import { engineStore, runStore } from '../stores/stores'
import { limits } from '../../../shared/schemas'
import { ContinueButton } from './ContinueButton'
import { RemoteEngineBadge } from './RemoteEngineBadge'
import { PlayIcon, StopIcon } from './Icons'
import { RunStateBadge } from './RunStateBadge'
import { TokenCountText } from './TokenCountText'
import { tooLongReason, type TokenCount } from '../hooks/useTokenCount'

export interface PromptEditorProps {
  prompt: string
  onPromptChange: (prompt: string) => void
  /** The prompt's tokens, counted as it is typed. */
  tokens: TokenCount
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
const shortcut = isMac ? '⌘ Enter' : 'Ctrl Enter'

export function PromptEditor({ prompt, onPromptChange, tokens }: PromptEditorProps) {
  const running = useStore(runStore, isActive)
  const stopping = useStore(runStore, (s) => s.stopping)
  const remote = useStore(remoteEngineStore, (s) => s.choice !== null)
  const notReady = useStore(engineStore, (s) => notReadyReasonFor(s, remote))
  const ready = notReady === null
  // Another tab's run (Compare, Chat) or another window's: the engine does one at a time.
  const busy = useStore(engineStore, (s) => busyReason(s, 'completion'))
  const size = useStore(engineStore, (s) => s.status?.model?.contextSize ?? null)
  // A remote model's tokenizer and context are its server's; the local count says nothing.
  const tooLong = tokens.current && !remote ? tooLongReason(tokens.count, size, 'The prompt') : null
  const canStart = ready && busy === null && !running && prompt.trim() !== '' && tooLong === null
  const whyNot = !ready
    ? notReady
    : (busy ?? (prompt.trim() === '' ? 'Type a prompt first' : (tooLong ?? undefined)))
  const busyNote = ready && !running ? busy : null

  return (
    <div className="rounded-xl border border-slate-200 bg-white shadow-sm focus-within:border-violet-400 dark:border-slate-800 dark:bg-slate-900 dark:focus-within:border-violet-500">
      <label htmlFor="prompt" className="sr-only">
        Prompt
      </label>
      <textarea
        id="prompt"
        data-testid="prompt-input"
        value={prompt}
        maxLength={limits.promptChars}
        onChange={(event) => onPromptChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault()
            if (event.shiftKey) continueRun()
            else if (canStart) startRun(prompt)
          }
        }}
        rows={4}
        placeholder="Write the beginning of a text; the model continues it…"
        spellCheck={false}
        className="block max-h-[40vh] min-h-24 w-full resize-y rounded-t-xl bg-transparent px-4 pt-3 pb-2 font-mono text-sm leading-6 text-slate-900 placeholder:text-slate-400 focus:outline-none dark:text-slate-100 dark:placeholder:text-slate-500"
      />
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-t border-slate-100 px-3 py-2 dark:border-slate-800">
        <button
          type="button"
          data-testid="generate-button"
          className={`${primaryButton} shrink-0 whitespace-nowrap`}
          disabled={!canStart}
          title={whyNot}
          onClick={() => startRun(prompt)}
        >
          <PlayIcon /> Generate
          <kbd className="ml-1 rounded bg-white/20 px-1 text-[11px] font-normal">{shortcut}</kbd>
        </button>
        {!running && <ContinueButton />}
        <RemoteEngineBadge />
        {running && (
          <button
            type="button"
            data-testid="stop-button"
            className={`${secondaryButton} ${focusRing}`}
            disabled={stopping}
            onClick={stopRun}
            title="Stop (Esc)"
          >
            <StopIcon className="text-red-600 dark:text-red-400" />{' '}
            {stopping ? 'Stopping…' : 'Stop'}
          </button>
        )}
        <RunStateBadge />
        {busyNote && (
          <span
            role="status"
            data-testid="generate-busy"
            className="text-xs text-amber-700 dark:text-amber-300"
          >
            {busyNote}
          </span>
        )}
        {tooLong && !running && (
          <span
            role="alert"
            data-testid="prompt-too-long"
            className="min-w-0 text-xs text-red-700 dark:text-red-300"
          >
            {tooLong}
          </span>
        )}
        <span className={`ml-auto text-xs whitespace-nowrap tabular-nums ${mutedText}`}>
          <TokenCountText tokens={tokens} testId="prompt-token-count" />
          {tokens.count !== null && ' · '}
          {countOf(prompt.length, 'char')}
        </span>
      </div>
    </div>
  )
}
