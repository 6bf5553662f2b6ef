import { useLayoutEffect, useRef, useState } from 'react'
import type { SessionNode } from '../../../../shared/sessions'
import { limits } from '../../../../shared/schemas'
import { CopyButton } from '../../components/CopyButton'
import { copyRootAttribute, plainText, registerCopySource } from '../../lib/copy-selection'
import { ghostButton, primaryButton, secondaryButton } from '../../lib/ui'
import { PencilIcon } from '../../sessions/SessionIcons'
import { BranchSwitcher } from './BranchSwitcher'

export interface UserMessageProps {
  node: SessionNode
  position: number
  versions: number
  /** A reply is being written: editing and switching wait until it is done. */
  busy: boolean
  onSwitch: (step: -1 | 1) => void
  onResend: (text: string) => void
}

/** What the user wrote; editing it sends the new text as a new branch beside the old one. */
export function UserMessage({
  node,
  position,
  versions,
  busy,
  onSwitch,
  onResend,
}: UserMessageProps) {
  const [draft, setDraft] = useState<string | null>(null)
  const editing = draft !== null
  const textRef = useRef<HTMLSpanElement>(null)
  useLayoutEffect(() => {
    if (textRef.current) registerCopySource(textRef.current, plainText)
  }, [editing])
  const submit = () => {
    if (draft === null || draft.trim() === '') return
    setDraft(null)
    onResend(draft)
  }
  return (
    <div
      data-testid="chat-message"
      data-role="user"
      data-message-id={node.id}
      className="group flex flex-col items-end gap-1"
    >
      {editing ? (
        <div className="w-full max-w-[85%] rounded-xl border border-violet-300 bg-white p-2 shadow-sm dark:border-violet-700 dark:bg-slate-900">
          <label htmlFor={`edit-${node.id}`} className="sr-only">
            Edit your message
          </label>
          <textarea
            id={`edit-${node.id}`}
            data-testid="edit-input"
            autoFocus
            value={draft}
            maxLength={limits.promptChars}
            rows={Math.min(8, Math.max(2, draft.split('\n').length))}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault()
                submit()
              } else if (event.key === 'Escape') {
                event.stopPropagation()
                setDraft(null)
              }
            }}
            className="block w-full resize-y bg-transparent px-2 py-1 text-sm leading-6 focus:outline-none"
          />
          <div className="mt-1 flex items-center justify-end gap-2">
            <span className="mr-auto px-2 text-xs text-slate-500 dark:text-slate-400">
              The current reply stays available as the earlier version.
            </span>
            <button
              type="button"
              className={`${secondaryButton} h-8`}
              onClick={() => setDraft(null)}
            >
              Cancel
            </button>
            <button
              type="button"
              data-testid="edit-send"
              className={`${primaryButton} h-8`}
              disabled={busy || draft.trim() === ''}
              onClick={submit}
            >
              Send edit
            </button>
          </div>
        </div>
      ) : (
        <div className="max-w-[85%] rounded-2xl rounded-br-md bg-violet-600 px-4 py-2 text-sm leading-6 whitespace-pre-wrap text-white shadow-sm dark:bg-violet-700">
          <span ref={textRef} data-testid="message-text" {...{ [copyRootAttribute]: 'plain' }}>
            {node.text}
          </span>
        </div>
      )}
      {!editing && (
        <div className="flex items-center gap-1 opacity-70 transition-opacity select-none group-focus-within:opacity-100 group-hover:opacity-100">
          <BranchSwitcher position={position} count={versions} disabled={busy} onStep={onSwitch} />
          <CopyButton text={() => node.text} data-testid="copy-message" title="Copy this message" />
          <button
            type="button"
            data-testid="edit-message"
            className={`${ghostButton} h-6 text-xs`}
            disabled={busy}
            onClick={() => setDraft(node.text)}
            title="Edit and send again; the current conversation stays as a branch"
          >
            <PencilIcon className="size-3.5" /> Edit
          </button>
        </div>
      )}
    </div>
  )
}
