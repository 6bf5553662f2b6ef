import { useState } from 'react'
import type { SessionSearchHit, SessionSummary } from '../../../shared/sessions'
import { focusRing, ghostButton } from '../lib/ui'
import { ChatIcon, ColumnsIcon, PencilIcon, TextIcon, TrashIcon } from './SessionIcons'
import { untitled } from './session-list'
import { highlightParts } from './useSessionSearch'

export interface SessionRowProps {
  session: SessionSummary
  /** The search on screen, whose words are marked in the title and excerpt. */
  query: string
  hit: SessionSearchHit | undefined
  open: boolean
  onOpen: (id: string) => void
  onRename: (id: string, title: string) => void
  onDelete: (id: string) => void
}

const kindIcons = { chat: ChatIcon, completion: TextIcon, compare: ColumnsIcon }
const kindLabels: Record<SessionSummary['kind'], string> = {
  chat: 'Chat',
  completion: 'Completion',
  compare: 'Comparison',
}

function when(iso: string): string {
  const date = new Date(iso)
  const today = new Date()
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}

function Marked({ text, query }: { text: string; query: string }) {
  return highlightParts(text, query).map((part, i) =>
    part.hit ? (
      <mark
        key={i}
        data-testid="search-hit"
        className="rounded-sm bg-amber-200 px-px text-slate-900 dark:bg-amber-400/30 dark:text-amber-50"
      >
        {part.text}
      </mark>
    ) : (
      part.text
    ),
  )
}

/** One saved session: opens on click; rename inline; delete (with Undo). */
export function SessionRow(props: SessionRowProps) {
  const { session, open, onOpen, onRename, onDelete, query, hit } = props
  const [draft, setDraft] = useState<string | null>(null)
  const title = session.title || untitled(session.kind)
  const Kind = kindIcons[session.kind]
  const finish = (save: boolean) => {
    if (save && draft !== null && draft.trim() !== session.title) onRename(session.id, draft)
    setDraft(null)
  }
  return (
    <li
      data-testid="session-row"
      data-session-id={session.id}
      data-kind={session.kind}
      className={`group relative flex items-center rounded-lg ${
        open
          ? 'bg-violet-100 text-violet-950 dark:bg-violet-900/40 dark:text-violet-100'
          : 'hover:bg-slate-100 dark:hover:bg-slate-800/70'
      }`}
    >
      {draft !== null ? (
        <input
          data-testid="rename-input"
          aria-label="Session title"
          autoFocus
          value={draft}
          maxLength={200}
          onChange={(event) => setDraft(event.target.value)}
          onFocus={(event) => event.currentTarget.select()}
          onBlur={() => finish(true)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') finish(true)
            if (event.key === 'Escape') {
              event.stopPropagation()
              finish(false)
            }
          }}
          className="m-1 h-8 w-full rounded-md border border-violet-400 bg-white px-2 text-sm focus:outline-none dark:bg-slate-900"
        />
      ) : (
        <>
          <button
            type="button"
            data-testid="session-open"
            aria-current={open ? 'true' : undefined}
            onClick={() => onOpen(session.id)}
            onDoubleClick={() => setDraft(session.title)}
            className={`flex min-w-0 flex-1 items-center gap-2 rounded-lg px-2.5 py-2 text-left ${focusRing}`}
          >
            <Kind className="size-3.5 shrink-0 opacity-60" />
            <span className="min-w-0 flex-1">
              <span data-testid="session-title" className="block truncate text-sm">
                <Marked text={title} query={query} />
              </span>
              {hit?.excerpt ? (
                <span
                  data-testid="session-excerpt"
                  className="line-clamp-2 text-[11px] leading-snug text-slate-500 dark:text-slate-400"
                >
                  <Marked text={hit.excerpt} query={query} />
                </span>
              ) : (
                <span className="block text-[11px] text-slate-500 dark:text-slate-400">
                  {kindLabels[session.kind]} · {when(session.updatedAt)}
                </span>
              )}
            </span>
          </button>
          <span className="absolute right-1 hidden items-center gap-0.5 rounded-md bg-inherit group-focus-within:flex group-hover:flex">
            <button
              type="button"
              data-testid="session-rename"
              className={`${ghostButton} h-7 w-7 px-0`}
              onClick={() => setDraft(session.title)}
              aria-label={`Rename “${title}”`}
              title="Rename"
            >
              <PencilIcon className="size-3.5" />
            </button>
            <button
              type="button"
              data-testid="session-delete"
              className={`${ghostButton} h-7 w-7 px-0 hover:text-red-600 dark:hover:text-red-400`}
              onClick={() => onDelete(session.id)}
              aria-label={`Delete “${title}”`}
              title="Delete (you can undo)"
            >
              <TrashIcon className="size-3.5" />
            </button>
          </span>
        </>
      )}
    </li>
  )
}
