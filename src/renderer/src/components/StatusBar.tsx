import type { ReactNode } from 'react'
import type { EngineBinaryInfo, ThreadChoice } from '../../../shared/engine-status'
import { threadChoiceText } from '../lib/thread-choice-text'
import { useStore } from '../hooks/useStore'
import { focusRing } from '../lib/ui'
import { AlertIcon } from './Icons'
import { formatBytes, formatCount, formatDuration, formatRate } from '../lib/format'
import {
  backendLabel,
  engineStateLabel,
  type EngineViewState,
  type RunOwner,
} from '../stores/engine-reducer'
import { liveStats } from '../stores/live-stats'
import { remoteEngineStore } from '../stores/remote-engine'
import { engineStore, runStore } from '../stores/stores'
import { viewStore } from '../stores/view'
import { chatRunStore } from '../views/chat/chat-store'
import { compareStore } from '../views/compare/compare-actions'
import { runsTogether } from '../views/compare/compare-state'
import { pipelineRunStore } from '../views/learn/pipeline-actions'
import { scoreStore } from '../views/learn/score-actions'

const ownerLabel: Record<RunOwner, string> = {
  completion: 'Completion',
  chat: 'Chat',
  compare: 'Compare',
  score: 'Score',
  influence: 'Influence',
  embeddings: 'Embeddings',
  pipeline: 'Pipeline',
}

const linkText = { open: 'Connected', connecting: 'Connecting…', closed: 'Reconnecting…' }

function linkDot(state: EngineViewState): string {
  if (state.link !== 'open') return 'bg-amber-500'
  if (state.status?.state === 'crashed' || state.status?.state === 'error') return 'bg-red-500'
  return 'bg-emerald-500'
}

function Item({
  label,
  children,
  title,
  className = '',
}: {
  label: string
  children: ReactNode
  title?: string
  className?: string
}) {
  return (
    <span
      className={`flex min-w-0 items-center gap-1.5 whitespace-nowrap ${className}`}
      title={title}
    >
      <span className="text-slate-400 dark:text-slate-500">{label}</span>
      <span className="truncate text-slate-700 dark:text-slate-200">{children}</span>
    </span>
  )
}

export function StatusBar({ onShortcuts }: { onShortcuts: () => void }) {
  const engine = useStore(engineStore, (s) => s)
  const remote = useStore(remoteEngineStore, (s) => s.choice)
  const completion = useStore(runStore, (s) => s)
  const chat = useStore(chatRunStore, (s) => s)
  const columns = useStore(compareStore, (s) => s.columns)
  const together = useStore(compareStore, (s) => s.together)
  const score = useStore(scoreStore, (s) => s)
  const pipeline = useStore(pipelineRunStore, (s) => s)
  const view = useStore(viewStore, (v) => v)
  const compare = runsTogether({ columns, together })
  const stats = liveStats({ view, completion, chat, compare, score, pipeline })
  const model = engine.status?.model ?? null
  const devices = engine.status?.devices ?? []
  return (
    <footer
      data-testid="status-bar"
      className="flex h-8 shrink-0 items-center gap-3 overflow-hidden lg:gap-5 border-t border-slate-200 bg-white px-4 text-xs tabular-nums dark:border-slate-800 dark:bg-slate-900"
    >
      <span
        className="flex items-center gap-1.5"
        data-testid="connection-state"
        data-state={engine.link}
      >
        <span aria-hidden="true" className={`size-2 rounded-full ${linkDot(engine)}`} />
        <span className="text-slate-700 dark:text-slate-200">{linkText[engine.link]}</span>
      </span>
      <span role="status" aria-live="polite" className="hidden items-center gap-1.5 lg:flex">
        <span className="text-slate-400 dark:text-slate-500">Engine</span>
        <span data-testid="engine-state" className="text-slate-700 dark:text-slate-200">
          {engineStateLabel(engine)}
        </span>
      </span>
      <Item
        label="Model"
        title={
          model
            ? `${model.fileName} · ${model.architecture} · ${formatBytes(model.sizeBytes)}`
            : undefined
        }
      >
        <span data-testid="model-name" data-loaded={model ? true : undefined}>
          {model ? model.name : engine.status?.state === 'loading' ? 'loading…' : 'none'}
        </span>
        {model?.isDemo && (
          <span className="ml-1.5 rounded bg-violet-100 px-1 py-px text-[10px] font-semibold uppercase text-violet-700 dark:bg-violet-900/60 dark:text-violet-200">
            demo
          </span>
        )}
      </Item>
      {remote && (
        // Narrow windows name it in Chat and Completion only: here it would crowd the model out.
        <Item
          label="Remote"
          className="max-lg:hidden"
          title={`Chat and Completion run on ${remote.model} at ${remote.url} (Models → Remote engines)`}
        >
          <span data-testid="status-remote-model">{remote.model}</span>
        </Item>
      )}
      <Item
        label="Backend"
        title={backendTitle(devices, engine.status?.engineBinary ?? null, model?.threads)}
      >
        <span data-testid="backend" data-binary={engine.status?.engineBinary?.kind}>
          {backendLabel(engine.status?.backend)}
        </span>
        {engine.status?.gpuFallback && (
          <a
            href="#models"
            data-testid="backend-fallback"
            title={`${engine.status.gpuFallback} Details: Models → Hardware.`}
            className={`ml-1.5 inline-flex items-center gap-1 rounded bg-amber-100 px-1 py-px text-[10px] font-semibold uppercase text-amber-800 hover:bg-amber-200 dark:bg-amber-950/70 dark:text-amber-200 dark:hover:bg-amber-900 ${focusRing}`}
          >
            <AlertIcon className="size-3" />
            GPU failed
          </a>
        )}
      </Item>
      <span
        className="ml-auto flex shrink-0 items-center gap-3 lg:gap-5"
        data-testid="live-stats"
        data-owner={stats?.owner}
        data-active={stats?.active ? true : undefined}
        data-generated={stats?.generatedTokens ?? 0}
      >
        {stats && (
          <span
            className={`flex items-center gap-1.5 font-medium ${stats.active ? 'text-violet-700 dark:text-violet-300' : 'text-slate-500 dark:text-slate-400'}`}
            title={stats.active ? 'The run generating now' : 'The last run of this view'}
          >
            {stats.active && (
              <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-current" />
            )}
            {ownerLabel[stats.owner]}
          </span>
        )}
        <Item label="First token">{formatDuration(stats?.timeToFirstTokenMs)}</Item>
        <Item label="Speed">
          <span data-testid="tokens-per-second">{formatRate(stats?.tokensPerSecond)}</span>
        </Item>
        <Item label={stats?.owner === 'score' ? 'Scored' : 'Generated'}>
          <span data-testid="generated-count">{formatCount(stats?.generatedTokens ?? 0)}</span>
        </Item>
        <button
          type="button"
          data-testid="shortcuts-button"
          onClick={onShortcuts}
          title="Keyboard shortcuts (?)"
          aria-label="Keyboard shortcuts"
          className={`-mr-2 flex items-center gap-1 rounded px-1.5 py-0.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100 ${focusRing}`}
        >
          <span className="hidden lg:inline">Keys</span>
          <kbd className="rounded border border-slate-300 px-1 font-sans text-[10px] leading-4 dark:border-slate-600">
            ?
          </kbd>
        </button>
      </span>
    </footer>
  )
}

/** The backend's tooltip: its devices, which llama.cpp binary runs and why, and its threads. */
function backendTitle(
  devices: string[],
  binary: EngineBinaryInfo | null,
  threads: ThreadChoice | undefined,
): string | undefined {
  const lines = devices.length > 0 ? [devices.join(', ')] : []
  if (binary) lines.push(`llama.cpp: ${binary.label} (${binary.reason})`)
  if (threads) lines.push(`Threads: ${threadChoiceText(threads)}`)
  return lines.length > 0 ? lines.join('\n') : undefined
}
