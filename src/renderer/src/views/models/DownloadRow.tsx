import type { DownloadProgress } from '../../../../shared/downloads'
import { ghostButton, mutedText, secondaryButton } from '../../lib/ui'
import { cancelDownload, loadSource, removeDownload, startDownload } from './models-actions'
import {
  downloadFraction,
  formatEta,
  formatSize,
  formatSpeed,
  formatTransferred,
} from './models-format'
import { Badge, ErrorNote, ProgressBar } from './models-ui'

const stateBadge = {
  downloading: { tone: 'violet', text: 'downloading' },
  done: { tone: 'emerald', text: 'done' },
  failed: { tone: 'red', text: 'failed' },
  cancelled: { tone: 'slate', text: 'stopped' },
} as const

type Action = { label: string; testId: string; run: () => void; primary?: boolean }

/** What a row offers in its state: Cancel while running, Load when done, Retry or Resume else. */
function actionsFor(download: DownloadProgress): Action[] {
  const again = (allowLocalHost: boolean) => () => startDownload(download.url, allowLocalHost)
  const remove: Action = {
    label: download.state === 'done' ? 'Clear' : 'Remove',
    testId: 'download-remove',
    run: () => removeDownload(download.id),
  }
  switch (download.state) {
    case 'downloading':
      return [
        { label: 'Cancel', testId: 'download-cancel', run: () => cancelDownload(download.id) },
      ]
    case 'done':
      return [
        {
          label: 'Load',
          testId: 'download-load',
          primary: true,
          run: () => loadSource({ kind: 'file', path: download.path }),
        },
        remove,
      ]
    case 'failed':
      return download.localHost
        ? [
            {
              label: 'Download anyway',
              testId: 'download-confirm',
              primary: true,
              run: again(true),
            },
            remove,
          ]
        : [
            {
              label: 'Retry',
              testId: 'download-retry',
              primary: true,
              run: again(download.allowLocalHost),
            },
            remove,
          ]
    case 'cancelled':
      return [
        {
          label: 'Resume',
          testId: 'download-resume',
          primary: true,
          run: again(download.allowLocalHost),
        },
        remove,
      ]
  }
}

/** One download: its progress while running, and what can be done with it after. */
export function DownloadRow({ download }: { download: DownloadProgress }) {
  const fraction = downloadFraction(download)
  const badge = stateBadge[download.state]
  const percent = fraction === null ? null : Math.round(fraction * 100)
  const running = download.state === 'downloading'
  return (
    <li
      data-testid="download-row"
      data-state={download.state}
      data-percent={percent ?? undefined}
      className="flex flex-col gap-1.5 rounded-lg border border-slate-200 px-2.5 py-2 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <span className="min-w-0 font-medium break-all" title={download.url}>
          {download.fileName}
        </span>
        {download.parts > 1 && (
          <span data-testid="download-parts" className={`text-xs ${mutedText}`}>
            {download.parts} parts
          </span>
        )}
        <Badge tone={badge.tone}>{badge.text}</Badge>
        <span className="ml-auto flex shrink-0 gap-1">
          {actionsFor(download).map((action) => (
            <button
              key={action.testId}
              type="button"
              data-testid={action.testId}
              className={action.primary ? `${secondaryButton} h-7` : ghostButton}
              onClick={action.run}
            >
              {action.label}
            </button>
          ))}
        </span>
      </div>
      {running && (
        <ProgressBar
          value={fraction}
          label={`Download of ${download.fileName}`}
          testId="download-progress"
        />
      )}
      {running && (
        <p className={`flex gap-3 text-xs tabular-nums ${mutedText}`}>
          <span data-testid="download-bytes">{formatTransferred(download)}</span>
          <span data-testid="download-speed">
            {download.bytesPerSecond !== null && download.bytesPerSecond < 1
              ? 'waiting for the server…'
              : formatSpeed(download.bytesPerSecond)}
          </span>
          {formatEta(download.etaSeconds) !== '—' && (
            <span className="ml-auto" data-testid="download-eta">
              {formatEta(download.etaSeconds)} left
            </span>
          )}
        </p>
      )}
      {running && download.resumedFromBytes > 0 && (
        <p className={`text-xs ${mutedText}`}>
          Resumed after {formatSize(download.resumedFromBytes)} already on disk.
        </p>
      )}
      {download.state === 'done' && (
        <p className={`truncate text-xs tabular-nums ${mutedText}`} title={download.path}>
          {formatSize(download.receivedBytes)} · {download.path}
        </p>
      )}
      {download.state === 'cancelled' && (
        <p className={`text-xs tabular-nums ${mutedText}`} data-testid="download-stopped">
          {download.receivedBytes > 0
            ? `${formatTransferred(download)} on disk. Resume continues from there; Remove deletes it.`
            : 'Nothing was downloaded yet.'}
        </p>
      )}
      {download.state === 'failed' && download.error && download.localHost && (
        <div
          role="alert"
          data-testid="download-local-warning"
          className="rounded-lg border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-950 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-100"
        >
          <p className="font-medium break-words">{download.error.message}</p>
          <p className="mt-0.5 break-words">{download.error.hint}</p>
        </div>
      )}
      {download.state === 'failed' && download.error && !download.localHost && (
        <ErrorNote error={download.error} testId="download-error" compact />
      )}
    </li>
  )
}
