import { useId } from 'react'
import type { ScannedModel } from '../../../../shared/models'
import { Spinner } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { focusRing, mutedText, secondaryButton } from '../../lib/ui'
import { modelsStore, scanFolder, selectSource, setFolder } from './models-actions'
import { formatParameterCount, formatSize } from './models-format'
import { sourceKey } from './models-reducer'
import { Badge, EmptyNote, ErrorNote, Panel, smallInput } from './models-ui'

/** The models folder (downloads land there), scanned and listed with what the headers say. */
export function FolderPanel() {
  const id = useId()
  const folder = useStore(modelsStore, (s) => s.folder)
  const status = useStore(modelsStore, (s) => s.scanStatus)
  const scanned = useStore(modelsStore, (s) => s.scanned)
  const scannedFolder = useStore(modelsStore, (s) => s.scannedFolder)
  const error = useStore(modelsStore, (s) => s.scanError)
  const selected = useStore(modelsStore, (s) => (s.selected ? sourceKey(s.selected) : null))
  const busy = status === 'busy'
  return (
    <Panel
      title="Models folder"
      testId="folder-panel"
      actions={
        busy ? (
          <span className={`flex items-center gap-1.5 text-xs ${mutedText}`} role="status">
            <Spinner /> Scanning…
          </span>
        ) : status === 'ready' ? (
          <span className={`text-xs ${mutedText}`} data-testid="folder-count">
            {scanned.length === 1 ? '1 file' : `${scanned.length} files`}
          </span>
        ) : null
      }
    >
      <form
        className="flex gap-2"
        onSubmit={(event) => {
          event.preventDefault()
          scanFolder()
        }}
      >
        <label htmlFor={`${id}-folder`} className="sr-only">
          Folder to scan for .gguf files
        </label>
        <input
          id={`${id}-folder`}
          data-testid="folder-input"
          className={`${smallInput} font-mono text-[12px]`}
          placeholder="Folder with .gguf files"
          spellCheck={false}
          value={folder ?? ''}
          disabled={folder === null}
          onChange={(event) => setFolder(event.target.value)}
        />
        <button
          type="submit"
          data-testid="scan-button"
          className={`${secondaryButton} h-8`}
          disabled={busy || (folder ?? '').trim() === ''}
        >
          {scannedFolder !== null && scannedFolder === folder?.trim() ? 'Rescan' : 'Scan'}
        </button>
      </form>
      {error ? (
        <ErrorNote error={error} testId="scan-error" />
      ) : status === 'ready' && scanned.length === 0 ? (
        <EmptyNote testId="folder-empty">
          No .gguf files in this folder. Download a suggested model below, or choose another folder.
        </EmptyNote>
      ) : (
        <ul className="-mx-1 flex flex-col gap-1" data-testid="scanned-models">
          {scanned.map((model) => (
            <ScannedRow
              key={model.path}
              model={model}
              active={sourceKey({ kind: 'file', path: model.path }) === selected}
            />
          ))}
        </ul>
      )}
    </Panel>
  )
}

function ScannedRow({ model, active }: { model: ScannedModel; active: boolean }) {
  const { card } = model
  const facts = card
    ? [
        card.architecture,
        `${formatParameterCount(card.parameterCount)} params`,
        card.fileType,
        formatSize(model.sizeBytes),
      ].filter((fact): fact is string => !!fact)
    : [formatSize(model.sizeBytes)]
  return (
    <li>
      <button
        type="button"
        data-testid="scanned-model"
        data-file={model.fileName}
        data-error={model.error ? model.error.code : undefined}
        aria-current={active ? 'true' : undefined}
        title={model.path}
        onClick={() => selectSource({ kind: 'file', path: model.path })}
        className={`flex w-full flex-col gap-0.5 rounded-lg px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800 ${focusRing} ${
          active
            ? 'bg-violet-50 ring-1 ring-violet-200 dark:bg-violet-950/40 dark:ring-violet-900'
            : ''
        }`}
      >
        <span className="flex w-full items-center gap-2">
          <span className="min-w-0 truncate font-medium">{card?.name ?? model.fileName}</span>
          {model.parts > 1 && (
            <Badge tone="sky" title="A split GGUF file; all parts are read together">
              {model.parts} parts
            </Badge>
          )}
          {model.error && (
            <Badge tone="red" testId="scanned-error-badge" title={model.error.hint}>
              {model.error.code === 'model-invalid' ? 'unreadable' : 'error'}
            </Badge>
          )}
        </span>
        {card?.name && card.name !== model.fileName && (
          <span className={`w-full truncate font-mono text-[11px] ${mutedText}`}>
            {model.fileName}
          </span>
        )}
        {model.error ? (
          <span className="text-xs leading-snug text-red-700 dark:text-red-300">
            {model.error.message}
          </span>
        ) : (
          <span className={`text-xs tabular-nums ${mutedText}`}>{facts.join(' · ')}</span>
        )}
      </button>
    </li>
  )
}
