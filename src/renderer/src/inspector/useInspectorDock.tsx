import { useMemo, useState, type Ref } from 'react'
import { useStore } from '../hooks/useStore'
import { card } from '../lib/ui'
import { useWideWindow } from '../layout/useWideWindow'
import type { InspectorDock } from './InspectorDock'
import { createDockStore, type DockStore } from './dock-store'

/**
 * Where the inspector goes: the side column (in place of the settings) on wide windows, a sheet
 * under the view on narrow ones, which shortens the view instead of covering it.
 */
export function useInspectorDock() {
  const wide = useWideWindow()
  const [store] = useState(createDockStore)
  const [sideSlot, setSideSlot] = useState<HTMLDivElement | null>(null)
  const [sheetSlot, setSheetSlot] = useState<HTMLDivElement | null>(null)
  const target = wide ? sideSlot : sheetSlot
  const context = useMemo<InspectorDock>(() => ({ target, store }), [target, store])
  return { context, wide, store, setSideSlot, setSheetSlot }
}

export function InspectorSheet({
  store,
  slotRef,
}: {
  store: DockStore
  slotRef: Ref<HTMLDivElement>
}) {
  const open = useStore(store, (s) => s.inspecting)
  return (
    <div
      ref={slotRef}
      data-testid="inspector-sheet"
      className={
        open
          ? 'flex h-[45vh] max-h-[28rem] min-h-60 shrink-0 flex-col border-t border-slate-200 bg-white shadow-[0_-8px_24px_-16px_rgb(15_23_42/0.35)] dark:border-slate-700 dark:bg-slate-900'
          : 'hidden'
      }
    />
  )
}

/**
 * The inspector's column beside a view that has no side column of its own (Compare): there only
 * while a token is picked, on wide windows.
 */
export function InspectorColumn({
  store,
  slotRef,
}: {
  store: DockStore
  slotRef: Ref<HTMLDivElement>
}) {
  const open = useStore(store, (s) => s.inspecting)
  return (
    <aside
      aria-label="Token inspector"
      data-testid="inspector-column"
      className={open ? 'flex w-[22rem] shrink-0 flex-col p-4 pl-0' : 'hidden'}
    >
      <div ref={slotRef} className={`${card} flex min-h-0 flex-1 flex-col overflow-hidden`} />
    </aside>
  )
}
