import { useCallback, useEffect, useState } from 'react'
import { bucketSize } from '../../../../shared/run-stats'
import { ProbabilityLegend } from '../../components/ProbabilityLegend'
import { useStore } from '../../hooks/useStore'
import { ColorModeSwitch } from '../../inspector/ColorModeSwitch'
import { InspectorDockContext } from '../../inspector/InspectorDock'
import { inspectorPrefsStore } from '../../inspector/stores'
import { InspectorColumn, InspectorSheet, useInspectorDock } from '../../inspector/useInspectorDock'
import { boundedLegend, unmeasuredLegend } from '../../lib/reported'
import { mutedText } from '../../lib/ui'
import { engineStore, runStore } from '../../stores/stores'
import { CompareColumnCard } from './CompareColumnCard'
import { CompareInspector } from './CompareInspector'
import { CompareToolbar } from './CompareToolbar'
import { compareStore, whyCannotGenerate, whyColumnCannotRun } from './compare-actions'
import { useRemoteModelsForCompare } from './ColumnEngine'
import { comparisonToJson, comparisonToMarkdown } from './compare-export'
import { isAnyActive, minColumns } from './compare-state'
import { downloadText, fileStamp } from './download'

/** Bars in the widest column's chart; longer texts average several tokens per bar. */
const chartBars = 120

const gridColumns: Record<number, string> = {
  2: 'md:grid-cols-2',
  3: 'md:grid-cols-2 xl:grid-cols-3',
  4: 'md:grid-cols-2 2xl:grid-cols-4',
}

/** The columns fill the window's height; a row never gets so short that its text is a slit. */
const gridRows = 'auto-rows-[minmax(22rem,1fr)]'

/** One prompt, several sampling settings, generated side by side. */
export function CompareView() {
  const state = useStore(compareStore, (s) => s)
  // Read so that the view renders again when the engine or the Completion run changes.
  useStore(engineStore, (s) => s)
  useStore(runStore, (s) => s.phase)
  const blocked = whyCannotGenerate(state.prompt)
  const running = isAnyActive(state)
  const mixedEngines = state.columns.some((c) => c.engine)
  const stopping = state.columns.some((c) => c.run.stopping)
  const hasOutput = state.columns.some((c) => c.run.phase !== 'idle')
  const longest = Math.max(0, ...state.columns.map((c) => c.run.tokenCount))
  const size = bucketSize(longest, chartBars)
  const slots = Math.max(1, Math.ceil(longest / size))
  const colorMode = useStore(inspectorPrefsStore, (s) => s.colorMode)
  const dock = useInspectorDock()
  useRemoteModelsForCompare()

  const [toast, setToast] = useState<string | null>(null)
  useEffect(() => {
    if (!toast) return
    const timer = setTimeout(() => setToast(null), 3500)
    return () => clearTimeout(timer)
  }, [toast])
  const onCopied = useCallback(
    (index: number) =>
      setToast(`Column ${index + 1}’s settings are now the Completion tab’s settings.`),
    [],
  )

  const exportAs = (format: 'json' | 'markdown') => {
    const now = new Date()
    const current = compareStore.getState()
    if (format === 'json') {
      downloadText(
        `comparison-${fileStamp(now)}.json`,
        comparisonToJson(current, now),
        'application/json',
      )
    } else {
      downloadText(
        `comparison-${fileStamp(now)}.md`,
        comparisonToMarkdown(current),
        'text/markdown',
      )
    }
  }

  return (
    <InspectorDockContext.Provider value={dock.context}>
      <div className="flex min-h-0 flex-1 flex-col">
        <div className="flex min-h-0 flex-1">
          <main id="compare" className="flex min-h-0 min-w-0 flex-1 flex-col overflow-y-auto p-4">
            <div className="mx-auto flex w-full max-w-[120rem] flex-1 flex-col gap-3">
              <CompareToolbar
                input={state.input}
                prompt={state.prompt}
                system={state.system}
                columns={state.columns.length}
                sameSeed={state.sameSeed}
                running={running}
                stopping={stopping}
                blocked={blocked}
                hasOutput={hasOutput}
                onExport={exportAs}
              />
              <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
                <p data-testid="compare-intro" className={`text-xs ${mutedText}`}>
                  {hasOutput
                    ? 'Hover a token for the alternatives the model weighed; click it to inspect it.'
                    : 'Compare continues one prompt with different sampling settings at once, and shows how likely the model found each text and how varied or repetitive it is.'}
                </p>
                <div className="ml-auto flex flex-wrap items-center gap-x-3 gap-y-1">
                  <ColorModeSwitch />
                  <ProbabilityLegend
                    mode={colorMode}
                    unmeasured={state.columns
                      .map((c) => unmeasuredLegend(c.run.tokens[0]?.[0], colorMode))
                      .find((why) => why !== null)}
                    bounded={state.columns
                      .map((c) => boundedLegend(c.run.tokens[0]?.[0], colorMode))
                      .find((why) => why !== null)}
                  />
                </div>
              </div>
              <div
                className={`grid flex-1 grid-cols-1 gap-4 ${gridRows} ${gridColumns[state.columns.length] ?? ''}`}
              >
                {state.columns.map((column, index) => (
                  <CompareColumnCard
                    key={column.key}
                    column={column}
                    index={index}
                    busy={running}
                    canRemove={state.columns.length > minColumns}
                    sameSeed={state.sameSeed}
                    blocked={whyColumnCannotRun(column, state.prompt)}
                    bucketSize={size}
                    slots={slots}
                    mixedEngines={mixedEngines}
                    onCopied={onCopied}
                  />
                ))}
              </div>
            </div>
            {toast && (
              <div
                role="status"
                data-testid="compare-toast"
                className="fixed right-4 bottom-12 z-50 max-w-sm rounded-lg bg-slate-900 px-4 py-2.5 text-sm text-white shadow-lg dark:bg-slate-100 dark:text-slate-900"
              >
                {toast}
              </div>
            )}
          </main>
          {dock.wide && <InspectorColumn store={dock.store} slotRef={dock.setSideSlot} />}
        </div>
        {!dock.wide && <InspectorSheet store={dock.store} slotRef={dock.setSheetSlot} />}
        <CompareInspector />
      </div>
    </InspectorDockContext.Provider>
  )
}
