import { useRef } from 'react'
import { useStore } from '../hooks/useStore'
import { closeSidebarDrawer, type SidebarMode } from '../layout/sidebar'
import { focusRing, ghostButton, mutedText, secondaryButton } from '../lib/ui'
import { viewStore } from '../stores/view'
import { chatStore } from '../views/chat/chat-store'
import { hasContent } from './conversation'
import {
  deleteSession,
  downloadSession,
  importSessionFile,
  openSession,
  renameSession,
} from './session-actions'
import { newKindFor, newLabels, startNew } from './new-session'
import { alt } from '../shortcuts/keys'
import { filterSessions, type SaveState } from './session-list'
import { PlusIcon, SearchIcon, DownloadIcon, UploadIcon } from './SessionIcons'
import { SessionNotices, UndoToast } from './SessionNotices'
import { SessionRow } from './SessionRow'
import { compareSessionStore, completionSessionStore, sessionListStore } from './stores'
import { useSessionSearch } from './useSessionSearch'
import { useDrawerFocus } from './useDrawerFocus'
import { useSessionsSync } from './useSessionsSync'

const saveText: Record<SaveState, string> = {
  saved: 'All changes saved',
  saving: 'Saving…',
  unsaved: 'Saving…',
  failed: 'Not saved',
}

const modeClass: Record<SidebarMode, string> = {
  inline: 'flex w-64 shrink-0',
  drawer: 'absolute inset-y-0 left-0 z-40 flex w-72 shadow-2xl',
  closed: 'hidden',
}

/**
 * Conversations and completion runs: open, rename, delete, search, export and import. Mounted
 * even when folded away: it keeps the session list in step with the host.
 */
export function SessionsSidebar({ mode }: { mode: SidebarMode }) {
  useSessionsSync()
  const navRef = useRef<HTMLElement>(null)
  useDrawerFocus(navRef, mode === 'drawer')
  const list = useStore(sessionListStore, (s) => s)
  const view = useStore(viewStore, (v) => v)
  const chatDoc = useStore(chatStore, (s) => s.doc)
  const completionDoc = useStore(completionSessionStore, (s) => s.doc)
  const compareDoc = useStore(compareSessionStore, (s) => s.doc)
  const fileRef = useRef<HTMLInputElement>(null)
  const newKind = newKindFor(view)
  const hits = useSessionSearch(list.query, list.sessions)
  const shown = hits
    ? list.sessions.filter((s) => hits.has(s.id))
    : filterSessions(list.sessions, list.query)
  const openId =
    view === 'chat'
      ? chatDoc.id
      : view === 'completion'
        ? list.openCompletionId
        : view === 'compare'
          ? list.openCompareId
          : null
  const current =
    view === 'chat' && hasContent(chatDoc)
      ? chatDoc
      : view === 'completion' && completionDoc
        ? completionDoc
        : view === 'compare' && compareDoc
          ? compareDoc
          : null
  return (
    <nav
      ref={navRef}
      id="sessions-sidebar"
      aria-label="Sessions"
      // Over a narrow window it is a dialog: the view behind it waits.
      role={mode === 'drawer' ? 'dialog' : undefined}
      aria-modal={mode === 'drawer' || undefined}
      data-testid="sessions-sidebar"
      data-mode={mode}
      className={`${modeClass[mode]} flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900`}
    >
      <div className="flex items-center gap-2 px-3 pt-3 pb-2">
        <button
          type="button"
          data-testid="new-session"
          data-kind={newKind}
          className={`${secondaryButton} h-8 flex-1`}
          onClick={() => {
            closeSidebarDrawer()
            startNew(newKind)
          }}
          title={`${newLabels[newKind]} (${alt} N)`}
        >
          <PlusIcon /> {newLabels[newKind]}
        </button>
      </div>
      <div className="relative mx-3 mb-2">
        <SearchIcon
          className={`pointer-events-none absolute top-2 left-2.5 size-3.5 ${mutedText}`}
        />
        <input
          type="search"
          data-testid="session-search"
          aria-label="Search sessions: titles, messages and outputs"
          placeholder="Search sessions (/)"
          value={list.query}
          onChange={(event) =>
            sessionListStore.dispatch({ type: 'queryChanged', query: event.target.value })
          }
          className={`h-8 w-full rounded-lg border border-slate-200 bg-slate-50 pr-2 pl-8 text-sm placeholder:text-slate-400 focus:border-violet-400 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-500`}
        />
      </div>
      <SessionNotices />
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {list.loaded && list.sessions.length === 0 ? (
          <p
            data-testid="sessions-empty"
            className={`px-2 py-6 text-center text-xs leading-relaxed ${mutedText}`}
          >
            No saved sessions yet. Chats, completion runs and comparisons appear here as you work;
            everything is saved automatically.
          </p>
        ) : list.loaded && shown.length === 0 ? (
          <p className={`px-2 py-6 text-center text-xs ${mutedText}`}>
            {hits
              ? `No session contains “${list.query.trim()}”.`
              : `Searching for “${list.query.trim()}”…`}
          </p>
        ) : (
          <ul className="flex flex-col gap-0.5" aria-label="Saved sessions">
            {shown.map((session) => (
              <SessionRow
                key={session.id}
                session={session}
                query={list.query}
                hit={hits?.get(session.id)}
                open={session.id === openId}
                onOpen={(id) => {
                  closeSidebarDrawer()
                  void openSession(id)
                }}
                onRename={(id, title) => void renameSession(id, title)}
                onDelete={(id) => void deleteSession(id)}
              />
            ))}
          </ul>
        )}
      </div>
      <UndoToast />
      <div className="border-t border-slate-200 px-3 py-2 dark:border-slate-800">
        <div className="flex items-center gap-1">
          <span className={`mr-auto text-xs ${mutedText}`}>Export</span>
          <button
            type="button"
            data-testid="export-json"
            className={`${ghostButton} text-xs`}
            disabled={!current}
            onClick={() => current && downloadSession(current, 'json')}
            title="Everything: every branch, every token's ids, probabilities and alternatives"
          >
            <DownloadIcon className="size-3.5" /> JSON
          </button>
          <button
            type="button"
            data-testid="export-markdown"
            className={`${ghostButton} text-xs`}
            disabled={!current}
            onClick={() => current && downloadSession(current, 'markdown')}
            title="The branch on screen, with each token's probability"
          >
            <DownloadIcon className="size-3.5" /> Markdown
          </button>
        </div>
        <div className="mt-1 flex items-center gap-2">
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            data-testid="import-input"
            className="sr-only"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(event) => {
              const file = event.target.files?.[0]
              event.target.value = ''
              if (file) void importSessionFile(file)
            }}
          />
          <button
            type="button"
            data-testid="import-button"
            className={`${ghostButton} text-xs ${focusRing}`}
            onClick={() => fileRef.current?.click()}
          >
            <UploadIcon className="size-3.5" /> Import JSON…
          </button>
          <span
            data-testid="save-state"
            data-state={list.save}
            role="status"
            className={`ml-auto text-[11px] ${list.save === 'failed' ? 'text-red-600 dark:text-red-400' : mutedText}`}
          >
            {saveText[list.save]}
          </span>
        </div>
      </div>
    </nav>
  )
}
