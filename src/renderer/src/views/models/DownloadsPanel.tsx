import { useState } from 'react'
import type { SuggestedModel } from '../../../../shared/downloads'
import { useStore } from '../../hooks/useStore'
import { mutedText, secondaryButton } from '../../lib/ui'
import { DownloadRow } from './DownloadRow'
import { modelsStore, startDownload } from './models-actions'
import { formatSize } from './models-format'
import { Badge, ErrorNote, Panel } from './models-ui'
import { SubmitField } from './SubmitField'

/** Downloads by URL or hf: URI, their progress, and a few small models to start with. */
export function DownloadsPanel() {
  const [url, setUrl] = useState('')
  const downloads = useStore(modelsStore, (s) => s.downloads)
  const error = useStore(modelsStore, (s) => s.downloadError)
  const suggested = useStore(modelsStore, (s) => s.suggested)
  return (
    <Panel title="Download" testId="downloads-panel">
      <SubmitField
        label="URL or Hugging Face URI"
        placeholder="hf:owner/repo:Q4_K_M or hf:owner/repo/model.gguf"
        value={url}
        onChange={setUrl}
        onSubmit={(address) => {
          startDownload(address)
          setUrl('')
        }}
        buttonLabel="Download"
        inputTestId="download-url-input"
        buttonTestId="download-button"
      />
      {error && <ErrorNote error={error} testId="download-request-error" />}
      {downloads.length > 0 && (
        <ul className="flex flex-col gap-2" data-testid="downloads">
          {downloads.map((download) => (
            <DownloadRow key={download.id} download={download} />
          ))}
        </ul>
      )}
      {suggested && suggested.length > 0 && (
        <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
          <h3 className="text-sm font-medium">Suggested small models</h3>
          <p className={`mb-2 text-xs ${mutedText}`}>
            Each is a download from Hugging Face into the models folder.
          </p>
          <ul className="flex flex-col gap-1.5" data-testid="suggested-models">
            {suggested.map((model) => (
              <SuggestedRow key={model.uri} model={model} />
            ))}
          </ul>
        </div>
      )}
    </Panel>
  )
}

function SuggestedRow({ model }: { model: SuggestedModel }) {
  return (
    <li
      data-testid="suggested-model"
      className="flex items-start gap-2 rounded-lg border border-slate-200 px-2.5 py-2 dark:border-slate-800"
    >
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium break-words">
          {model.name}
          <span className="ml-1.5 align-[1px]">
            <Badge tone="slate">{formatSize(model.sizeBytes)}</Badge>
          </span>
        </p>
        <p className={`text-xs leading-snug ${mutedText}`}>{model.goodFor}</p>
        <p className={`truncate font-mono text-[11px] ${mutedText}`} title={model.uri}>
          {model.uri}
        </p>
      </div>
      <button
        type="button"
        className={`${secondaryButton} h-8 shrink-0`}
        aria-label={`Download ${model.name} (${formatSize(model.sizeBytes)})`}
        onClick={() => startDownload(model.uri)}
      >
        Download
      </button>
    </li>
  )
}
