import { useEffect, useRef, useState } from 'react'
import { useStore } from '../../hooks/useStore'
import { ghostButton, mutedText, secondaryButton } from '../../lib/ui'
import {
  browseForModel,
  desktopHelpers,
  dismissOpenNotice,
  modelsStore,
  selectSource,
  selectTypedPath,
  setPathDraft,
} from './models-actions'
import { baseName } from './models-format'
import { sourceKey } from './models-reducer'
import { EmptyNote, Panel } from './models-ui'
import { OpenNoticeNote } from './OpenNoticeNote'
import { SubmitField } from './SubmitField'

/**
 * Opens a .gguf by its path, the file dialog (desktop only: browser pages have none), a drop on
 * the tab, the demo model, or a recent one.
 */
export function OpenModelPanel() {
  const path = useStore(modelsStore, (s) => s.pathDraft)
  const notice = useStore(modelsStore, (s) => s.openNotice)
  const selected = useStore(modelsStore, (s) => (s.selected ? sourceKey(s.selected) : null))
  const recent = useStore(modelsStore, (s) => s.recent)
  const [browsing, setBrowsing] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  const desktop = desktopHelpers() !== null
  // After a drop the browser could not place, the path field is where the user goes next.
  useEffect(() => {
    if (notice?.kind === 'browser') input.current?.focus()
  }, [notice])
  // A path filled in by Browse… or a drop shows its end: the file name.
  useEffect(() => {
    const field = input.current
    if (field && document.activeElement !== field) field.scrollLeft = field.scrollWidth
  }, [path])
  return (
    <Panel title="Open a model" testId="open-model-panel">
      <SubmitField
        label="Path to a .gguf file"
        placeholder="/models/qwen2.5-0.5b-instruct-q4_k_m.gguf"
        value={path}
        onChange={setPathDraft}
        onSubmit={selectTypedPath}
        buttonLabel="Open"
        inputTestId="model-path-input"
        buttonTestId="open-path-button"
        inputRef={input}
      >
        {desktop && (
          <div className="flex items-center gap-2">
            <button
              type="button"
              data-testid="browse-model-button"
              className={`${secondaryButton} shrink-0`}
              disabled={browsing}
              title="Choose a .gguf file with the system file dialog"
              onClick={() => {
                setBrowsing(true)
                void browseForModel().finally(() => setBrowsing(false))
              }}
            >
              Browse…
            </button>
            <span className={`text-xs leading-snug ${mutedText}`}>
              or drop a .gguf file anywhere on this tab
            </span>
          </div>
        )}
        <p className={`text-xs leading-snug ${mutedText}`}>
          {desktop ? '' : 'Paste the full path: browser pages cannot see where files are. '}
          For split files, give the first part (…-00001-of-0000N.gguf). Opening reads only the
          header; nothing is loaded until you press Load.
        </p>
      </SubmitField>
      {notice && <OpenNoticeNote notice={notice} onDismiss={dismissOpenNotice} />}
      <button
        type="button"
        data-testid="open-demo-button"
        aria-pressed={selected === 'demo'}
        className={`${ghostButton} self-start`}
        onClick={() => selectSource({ kind: 'demo' })}
      >
        Show the built-in demo model
      </button>
      <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
        <h3 className="mb-2 text-sm font-medium">Recent models</h3>
        {recent === null ? (
          <p className={`text-sm ${mutedText}`}>Loading…</p>
        ) : recent.length === 0 ? (
          <EmptyNote testId="recent-empty">
            No recent models yet. Models you load from a file appear here.
          </EmptyNote>
        ) : (
          <ul className="-mx-2 flex flex-col" data-testid="recent-models">
            {recent.map((model) => {
              const key = sourceKey({ kind: 'file', path: model.path })
              const active = key === selected
              return (
                <li key={model.path}>
                  <button
                    type="button"
                    data-testid="recent-model"
                    aria-current={active ? 'true' : undefined}
                    title={model.path}
                    className={`${ghostButton} h-auto w-full flex-col items-start gap-0 py-1.5 text-left ${
                      active ? 'bg-violet-50 dark:bg-violet-950/40' : ''
                    }`}
                    onClick={() => selectSource({ kind: 'file', path: model.path })}
                  >
                    <span className="w-full truncate font-medium">
                      {model.fileName || baseName(model.path)}
                    </span>
                    <span className={`w-full truncate text-xs font-normal ${mutedText}`}>
                      {formatWhen(model.loadedAt)} · {model.path}
                    </span>
                  </button>
                </li>
              )
            })}
          </ul>
        )}
      </div>
    </Panel>
  )
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

function formatWhen(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? 'earlier' : dateFormat.format(date)
}
