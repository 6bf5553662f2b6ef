import type { ReactNode, Ref } from 'react'
import { useStore } from '../hooks/useStore'
import { card, focusRing } from '../lib/ui'
import type { DockStore } from './dock-store'
import { InspectorPlaceholder } from './InspectorPlaceholder'

export interface SidePanelProps {
  store: DockStore
  /** The element the inspector is drawn into on wide windows. */
  inspectorRef: Ref<HTMLDivElement>
  /** The run settings. */
  children: ReactNode
}

const tabClass = (active: boolean) =>
  `flex-1 rounded-md px-3 py-1 text-xs font-medium ${focusRing} ${
    active
      ? 'bg-white text-slate-900 shadow-sm dark:bg-slate-700 dark:text-white'
      : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'
  }`

/**
 * The view's side column on wide windows: the run settings, or the inspector of the picked token
 * in their place. Sharing the column keeps the tokens' width the same when a token is picked (no
 * re-wrapping) and gives them most of the window. Narrow windows stack the settings under the
 * view and dock the inspector in a sheet instead.
 */
export function SidePanel({ store, inspectorRef, children }: SidePanelProps) {
  const inspector = useStore(store, (s) => s.tab === 'inspector')
  const inspecting = useStore(store, (s) => s.inspecting)
  return (
    <aside
      aria-label="Run settings and token inspector"
      className="flex flex-col gap-3 wide:min-h-0 wide:[contain:strict]"
    >
      <div
        role="tablist"
        aria-label="Side panel"
        className="hidden shrink-0 rounded-lg bg-slate-200/70 p-0.5 wide:flex dark:bg-slate-800"
      >
        <button
          type="button"
          role="tab"
          data-testid="side-tab-settings"
          aria-selected={!inspector}
          className={tabClass(!inspector)}
          onClick={() => store.dispatch({ type: 'tab', tab: 'settings' })}
        >
          Settings
        </button>
        <button
          type="button"
          role="tab"
          data-testid="side-tab-inspector"
          aria-selected={inspector}
          title={inspecting ? 'The picked token' : 'Click a token to inspect it'}
          className={tabClass(inspector)}
          onClick={() => store.dispatch({ type: 'tab', tab: 'inspector' })}
        >
          Inspector
          {inspecting && !inspector && (
            <span
              aria-hidden="true"
              className="ml-1.5 inline-block size-1.5 rounded-full bg-violet-500 align-middle"
            />
          )}
        </button>
      </div>
      <div
        role="tabpanel"
        aria-label="Run settings"
        className={`flex flex-col gap-4 wide:min-h-0 wide:overflow-y-auto ${inspector ? 'wide:hidden' : ''}`}
      >
        {children}
      </div>
      <div
        role="tabpanel"
        aria-label="Token inspector"
        className={`${card} min-h-0 flex-col overflow-hidden ${inspecting ? 'flex-1' : ''} ${inspector ? 'hidden wide:flex' : 'hidden'}`}
      >
        {!inspecting && <InspectorPlaceholder />}
        <div ref={inspectorRef} className="flex min-h-0 flex-1 flex-col" />
      </div>
    </aside>
  )
}
