import type { RefObject } from 'react'
import { limits } from '../../../../shared/schemas'
import { StopIcon } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { focusRing, mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { SendIcon } from '../../sessions/SessionIcons'
import { busyReason, notReadyReasonFor } from '../../stores/engine-reducer'
import { remoteEngineStore } from '../../stores/remote-engine'
import { isActive } from '../../stores/run-reducer'
import { engineStore } from '../../stores/stores'
import { sendMessage, stopReply } from './chat-actions'
import { chatRunStore, chatStore } from './chat-store'
import { TokenCountText } from '../../components/TokenCountText'
import { alt } from '../../shortcuts/keys'
import { tooLongReason, useTokenCount } from '../../hooks/useTokenCount'

export interface ChatComposerProps {
  draft: string
  onDraftChange: (draft: string) => void
  inputRef: RefObject<HTMLTextAreaElement | null>
}

/** The message box: Enter sends, Shift+Enter starts a new line, Esc stops the reply. */
export function ChatComposer({ draft, onDraftChange, inputRef }: ChatComposerProps) {
  const remote = useStore(remoteEngineStore, (s) => s.choice !== null)
  const notReady = useStore(engineStore, (s) => notReadyReasonFor(s, remote))
  const ready = notReady === null
  // Another tab's run (Completion, Compare) or another window's: the engine does one at a time.
  const elsewhere = useStore(engineStore, (s) => busyReason(s, 'chat'))
  const busy = useStore(chatStore, (s) => s.live !== null)
  const running = useStore(chatRunStore, isActive)
  const stopping = useStore(chatRunStore, (s) => s.stopping)
  const system = useStore(chatStore, (s) => s.doc.system)
  const size = useStore(engineStore, (s) => s.status?.model?.contextSize ?? null)
  const tokens = useTokenCount([system, draft])
  // The local tokenizer and context say nothing about a remote model's; its server judges.
  const tooLong =
    tokens.current && !remote
      ? tooLongReason(tokens.count, size, 'This message with the system prompt')
      : null
  const canSend = ready && !busy && elsewhere === null && draft.trim() !== '' && tooLong === null
  const send = () => {
    if (!canSend) return
    sendMessage(draft)
    onDraftChange('')
  }
  const whyNot = !ready
    ? notReady
    : busy
      ? 'Wait for the reply, or stop it'
      : elsewhere !== null
        ? elsewhere
        : draft.trim() === ''
          ? 'Type a message first'
          : (tooLong ?? undefined)
  return (
    <div className="border-t border-slate-200 bg-slate-50/80 px-4 py-3 dark:border-slate-800 dark:bg-slate-950/80">
      <div className="mx-auto max-w-3xl rounded-xl border border-slate-200 bg-white shadow-sm focus-within:border-violet-400 dark:border-slate-800 dark:bg-slate-900 dark:focus-within:border-violet-500">
        <label htmlFor="chat-input" className="sr-only">
          Message
        </label>
        <textarea
          id="chat-input"
          ref={inputRef}
          data-testid="chat-input"
          value={draft}
          maxLength={limits.promptChars}
          rows={Math.min(8, Math.max(2, draft.split('\n').length))}
          placeholder="Ask the model something…"
          onChange={(event) => onDraftChange(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault()
              send()
            }
          }}
          className="block max-h-[30vh] w-full resize-none rounded-t-xl bg-transparent px-4 pt-3 pb-1 text-sm leading-6 text-slate-900 placeholder:text-slate-400 focus:outline-none dark:text-slate-100 dark:placeholder:text-slate-500"
        />
        <div className="flex items-center gap-3 px-3 pb-2">
          {tooLong && !running ? (
            <span
              role="alert"
              data-testid="chat-too-long"
              className="text-xs text-red-700 dark:text-red-300"
            >
              {tooLong}
            </span>
          ) : ready && !running && elsewhere ? (
            <span
              role="status"
              data-testid="send-busy"
              className="text-xs text-amber-700 dark:text-amber-300"
            >
              {elsewhere}
            </span>
          ) : (
            <span className={`text-xs ${mutedText}`}>
              <kbd className="font-sans">Enter</kbd> to send ·{' '}
              <kbd className="font-sans">Shift Enter</kbd> for a new line ·{' '}
              <kbd className="font-sans">Esc</kbd> stops · <kbd className="font-sans">{alt} N</kbd>{' '}
              new chat · <kbd className="font-sans">?</kbd> all keys
            </span>
          )}
          <span className={`ml-auto text-xs whitespace-nowrap tabular-nums ${mutedText}`}>
            {draft !== '' && <TokenCountText tokens={tokens} testId="chat-token-count" />}
          </span>
          {running ? (
            <button
              type="button"
              data-testid="chat-stop-button"
              className={`${secondaryButton} ${focusRing}`}
              disabled={stopping}
              onClick={stopReply}
              title="Stop (Esc); the partial reply is kept"
            >
              <StopIcon className="text-red-600 dark:text-red-400" />
              {stopping ? 'Stopping…' : 'Stop'}
            </button>
          ) : (
            <button
              type="button"
              data-testid="send-button"
              className={primaryButton}
              disabled={!canSend}
              title={whyNot}
              onClick={send}
            >
              <SendIcon /> Send
            </button>
          )}
        </div>
      </div>
    </div>
  )
}
