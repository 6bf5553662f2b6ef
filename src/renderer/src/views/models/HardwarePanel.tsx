import { AlertIcon } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { mutedText } from '../../lib/ui'
import { backendLabel } from '../../stores/engine-reducer'
import { engineStore } from '../../stores/stores'
import { modelsStore } from './models-actions'
import { formatSize } from './models-format'
import { Badge, ErrorNote, Panel } from './models-ui'
import { LoadOptionsForm } from './LoadOptionsForm'

/** What the engine runs on, and the knobs of the next load. */
export function HardwarePanel() {
  const hardware = useStore(modelsStore, (s) => s.hardware)
  const error = useStore(modelsStore, (s) => s.hardwareError)
  // Told with the engine's status (the status bar marks it too), not asked for again here.
  const fallback = useStore(engineStore, (s) => s.status?.gpuFallback ?? null)
  const binary = useStore(engineStore, (s) => s.status?.engineBinary ?? null)
  const priority = useStore(engineStore, (s) => s.status?.priority ?? null)
  return (
    <Panel title="Hardware" testId="hardware-panel">
      {error && !hardware ? (
        <ErrorNote error={error} testId="hardware-error" />
      ) : !hardware ? (
        <p className={`text-sm ${mutedText}`}>Asking the engine…</p>
      ) : (
        <>
          <div className="flex items-center gap-2">
            <span className="text-sm font-medium">Backend</span>
            <Badge
              tone={hardware.backend === 'cpu' ? 'slate' : 'emerald'}
              testId="hardware-backend"
            >
              {backendLabel(hardware.backend)}
            </Badge>
            <span className={`ml-auto text-xs ${mutedText}`}>
              {hardware.cpuThreads} CPU threads
            </span>
          </div>
          {binary && (
            <p className="text-xs" data-testid="hardware-binary" data-binary={binary.kind}>
              <span className="font-medium">llama.cpp</span> {binary.label}
              <span className={`block ${mutedText}`}>{binary.reason}</span>
            </p>
          )}
          {priority && (
            <p className="text-xs" data-testid="hardware-priority" data-level={priority.level}>
              <span className="font-medium">Priority</span>{' '}
              {priority.level === 'normal' ? 'normal' : 'below normal'}
              <span className={`block ${mutedText}`}>{priority.reason}</span>
            </p>
          )}
          {fallback && (
            <div
              role="status"
              data-testid="hardware-fallback"
              className="flex gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-900 dark:bg-amber-950/50 dark:text-amber-100"
            >
              <AlertIcon className="mt-0.5 shrink-0 text-amber-600 dark:text-amber-400" />
              <div className="min-w-0 flex-1">
                <p className="break-words">{fallback}</p>
                <p className="mt-1 text-xs text-amber-800 dark:text-amber-200/80">
                  Generation works, only slower. Check the GPU driver, or pick the backend with the{' '}
                  <code className="font-mono">TOKENSCOPE_GPU</code> environment variable.
                </p>
              </div>
            </div>
          )}
          <ul className="flex flex-col gap-0.5 text-sm" data-testid="hardware-devices">
            {hardware.devices.length === 0 ? (
              <li className={mutedText}>No GPU devices</li>
            ) : (
              hardware.devices.map((device) => (
                <li key={device} className="truncate" title={device}>
                  {device}
                </li>
              ))
            )}
          </ul>
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <Memory label="RAM" free={hardware.ramFree} total={hardware.ramTotal} />
            <Memory label="VRAM" free={hardware.vramFree} total={hardware.vramTotal} />
          </dl>
        </>
      )}
      <div className="border-t border-slate-200 pt-3 dark:border-slate-800">
        <h3 className="mb-1 text-sm font-medium">Load options</h3>
        <p className={`mb-2 text-xs leading-snug ${mutedText}`}>
          Used for the memory estimate and the next load.
        </p>
        <LoadOptionsForm maxThreads={hardware?.cpuThreads ?? null} />
      </div>
    </Panel>
  )
}

function Memory({ label, free, total }: { label: string; free: number; total: number }) {
  const usedShare = total > 0 ? Math.min(1, Math.max(0, (total - free) / total)) : 0
  return (
    <div data-testid={`hardware-${label.toLowerCase()}`}>
      <dt className={`text-xs ${mutedText}`}>{label}</dt>
      <dd className="tabular-nums">
        {total > 0 ? (
          <>
            <span className="font-medium">{formatSize(free)}</span>
            <span className={mutedText}> free of {formatSize(total)}</span>
          </>
        ) : (
          <span className={mutedText}>none</span>
        )}
      </dd>
      {total > 0 && (
        <dd
          className="mt-1 h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          aria-hidden="true"
        >
          <div
            className="h-full bg-slate-500 dark:bg-slate-400"
            style={{ width: `${usedShare * 100}%` }}
          />
        </dd>
      )}
    </div>
  )
}
