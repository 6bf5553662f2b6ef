import type { MemoryFit } from '../../../../shared/models'
import { Spinner } from '../../components/Icons'
import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { mutedText, primaryButton, secondaryButton } from '../../lib/ui'
import { engineStore } from '../../stores/stores'
import { dismissLoadError, loadSelected, modelsStore, unloadModel } from './models-actions'
import { fitLabels, overallFit } from './models-format'
import { isLoadedSource } from './models-reducer'
import { ContextFitNote } from './ContextFitNote'
import { FitMeter } from './FitMeter'
import { Badge, ErrorNote, Panel, ProgressBar } from './models-ui'
import { threadChoiceText, threadCountText } from '../../lib/thread-choice-text'

const verdictTone = { ok: 'emerald', tight: 'amber', over: 'red' } as const

/** Fit before load, then Load / Unload with the engine's progress. */
export function LoadPanel() {
  const selected = useStore(modelsStore, (s) => s.selected)
  const inspection = useStore(modelsStore, (s) => s.inspection)
  const inspecting = useStore(modelsStore, (s) => s.inspectionStatus === 'busy')
  const loadStatus = useStore(modelsStore, (s) => s.loadStatus)
  const loadError = useStore(modelsStore, (s) => s.loadError)
  const unloading = useStore(modelsStore, (s) => s.unloading)
  const loaded = useStore(engineStore, (s) => s.status?.model ?? null)
  const engineLoading = useStore(engineStore, (s) => s.status?.state === 'loading')
  const progress = useStore(engineStore, (s) => s.status?.loadProgress ?? null)
  const linkOpen = useStore(engineStore, (s) => s.link === 'open')
  const loading = loadStatus === 'loading' || engineLoading
  const card = inspection?.card ?? null
  const isLoaded = selected !== null && isLoadedSource(selected, loaded)
  return (
    <Panel title="Load" testId="load-panel">
      <p className="text-sm" data-testid="loaded-model">
        <span className={mutedText}>Loaded: </span>
        {loaded ? (
          <span className="font-medium">
            {loaded.name}
            <span className={`ml-1 font-normal ${mutedText}`}>
              ({formatCount(loaded.contextSize)}-token context
              {loaded.threads && (
                <span data-testid="loaded-threads" title={threadChoiceText(loaded.threads)}>
                  {' · '}
                  {threadCountText(loaded.threads.count)}
                  {loaded.threads.how === 'measured' && ', measured'}
                </span>
              )}
              )
            </span>
          </span>
        ) : (
          <span className="font-medium">no model</span>
        )}
      </p>
      {inspection && (
        <FitSummary
          fit={inspection.fit}
          stale={inspecting}
          // The refusal below says the same, with what to do.
          explain={loadStatus !== 'too-large'}
        />
      )}
      {loading && (
        <div role="status" className="flex flex-col gap-1.5">
          <div className="flex items-center gap-2 text-sm font-medium text-violet-700 dark:text-violet-300">
            <Spinner />
            Loading{progress !== null ? ` · ${Math.round(progress * 100)}%` : '…'}
          </div>
          <ProgressBar value={progress} label="Model load progress" testId="load-progress" />
        </div>
      )}
      {loadStatus === 'too-large' && loadError && (
        <ErrorNote error={loadError} testId="too-large">
          <div className="mt-2 flex flex-wrap gap-2">
            <button
              type="button"
              data-testid="load-anyway-button"
              className={`${secondaryButton} h-8 border-red-300 whitespace-nowrap dark:border-red-800`}
              onClick={() => loadSelected(true)}
            >
              Load anyway
            </button>
            <button
              type="button"
              data-testid="load-refusal-dismiss"
              className={`${secondaryButton} h-8 whitespace-nowrap`}
              onClick={dismissLoadError}
            >
              Cancel
            </button>
          </div>
          <p className="mt-1.5 text-xs text-red-800 dark:text-red-200/80">
            Loading anyway may make the machine swap or the engine fail to allocate memory.
          </p>
        </ErrorNote>
      )}
      {loadStatus === 'failed' && loadError && <ErrorNote error={loadError} testId="load-error" />}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          data-testid="load-button"
          className={primaryButton}
          disabled={!selected || !card || loading || !linkOpen}
          onClick={() => loadSelected()}
        >
          {isLoaded ? 'Reload with these options' : 'Load'}
        </button>
        {loaded && (
          <button
            type="button"
            data-testid="unload-button"
            className={secondaryButton}
            disabled={loading || unloading || !linkOpen}
            onClick={unloadModel}
          >
            {unloading ? 'Unloading…' : 'Unload'}
          </button>
        )}
      </div>
      <p className={`text-xs leading-snug ${mutedText}`}>
        Switching models keeps your sessions; new runs use the newly loaded model.
      </p>
    </Panel>
  )
}

function FitSummary({ fit, stale, explain }: { fit: MemoryFit; stale: boolean; explain: boolean }) {
  const verdict = overallFit(fit)
  const gpu = fit.vramTotal > 0 || fit.vramNeeded > 0
  return (
    <div
      className={`flex flex-col gap-3 transition-opacity ${stale ? 'opacity-60' : ''}`}
      data-testid="memory-fit"
      data-verdict={verdict}
    >
      <div className="flex items-center gap-2 text-sm">
        <span className="font-medium">Memory</span>
        <Badge tone={verdictTone[verdict]} testId="fit-verdict">
          {fitLabels[verdict]}
        </Badge>
        <span className={`ml-auto text-xs tabular-nums ${mutedText}`}>
          {formatCount(fit.contextSize)} ctx · {fit.gpuLayers} GPU layers
        </span>
      </div>
      <FitMeter
        label="RAM"
        testId="fit-ram"
        fits={fit.fits}
        needed={fit.ramNeeded}
        free={fit.ramFree}
        total={fit.ramTotal}
      />
      {gpu && (
        <FitMeter
          label="VRAM"
          testId="fit-vram"
          fits={fit.fits}
          needed={fit.vramNeeded}
          free={fit.vramFree}
          total={fit.vramTotal}
        />
      )}
      {explain && (
        <p className="text-sm leading-snug" data-testid="fit-explanation">
          {fit.explanation}
        </p>
      )}
      <ContextFitNote fit={fit} />
    </div>
  )
}
