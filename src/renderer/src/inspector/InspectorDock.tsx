import { createContext, useContext, useLayoutEffect, type ReactNode } from 'react'
import { createPortal } from 'react-dom'
import type { DockStore } from './dock-store'

/** Where a view docks its token inspector, and the store that makes room for it. */
export interface InspectorDock {
  /** The element the inspector is drawn into; null until the view has drawn it. */
  target: HTMLElement | null
  store: DockStore
}

export const InspectorDockContext = createContext<InspectorDock | null>(null)

export interface DockedInspectorProps {
  /** The picked token's index, or null when none is. */
  index: number | null
  children: ReactNode
}

/**
 * The inspector, drawn where the view docks it (the side column of a wide window, a sheet under
 * the view on a narrow one) while its state stays with the tokens it inspects.
 */
export function DockedInspector({ index, children }: DockedInspectorProps) {
  const dock = useContext(InspectorDockContext)
  const open = index !== null
  const store = dock?.store
  // Before paint, so the room is made in the same frame the inspector appears in. Another pick
  // brings the inspector back if the reader had turned to the settings.
  useLayoutEffect(() => {
    store?.dispatch({ type: open ? 'opened' : 'closed' })
  }, [open, index, store])
  if (!open) return null
  if (!dock) return children
  return dock.target ? createPortal(children, dock.target) : null
}
