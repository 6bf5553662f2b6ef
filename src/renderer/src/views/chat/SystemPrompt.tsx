import { useState } from 'react'
import { limits } from '../../../../shared/schemas'
import { useStore } from '../../hooks/useStore'
import { focusRing, mutedText } from '../../lib/ui'
import { ChevronIcon } from '../../sessions/SessionIcons'
import { setSystemPrompt } from './chat-actions'
import { chatStore } from './chat-store'

/** The system prompt: folded to one line until the user wants to change it. */
export function SystemPrompt() {
  const system = useStore(chatStore, (s) => s.doc.system)
  const [open, setOpen] = useState(false)
  return (
    <div className="border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto max-w-3xl">
        <button
          type="button"
          data-testid="system-toggle"
          aria-expanded={open}
          aria-controls="system-prompt"
          onClick={() => setOpen((v) => !v)}
          className={`flex w-full items-center gap-2 rounded text-left text-xs ${focusRing}`}
        >
          <ChevronIcon className={`size-3.5 transition-transform ${open ? 'rotate-90' : ''}`} />
          <span className="font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-300">
            System prompt
          </span>
          {!open && (
            <span className={`min-w-0 flex-1 truncate ${mutedText}`}>
              {system.trim()
                ? system
                : 'none — click to tell the model who it is and how to answer'}
            </span>
          )}
        </button>
        {open && (
          <>
            <label htmlFor="system-prompt" className="sr-only">
              System prompt
            </label>
            <textarea
              id="system-prompt"
              data-testid="system-input"
              value={system}
              maxLength={limits.promptChars}
              rows={3}
              autoFocus
              onChange={(event) => setSystemPrompt(event.target.value)}
              placeholder="e.g. You explain how language models work, briefly."
              className="mt-2 block w-full resize-y rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm leading-6 placeholder:text-slate-400 focus:border-violet-400 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-500"
            />
            <p className={`mt-1 text-xs ${mutedText}`}>
              Applies to the next reply. It is kept when old turns must be left out to fit the
              context.
            </p>
          </>
        )}
      </div>
    </div>
  )
}
