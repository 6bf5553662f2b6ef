import { createContext, useContext, useLayoutEffect, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

/** Where a view docks its token inspector, and how it makes room for it. */
export interface InspectorDock {
  /** The element the inspector is drawn into; null until the view has drawn it. */
  target: HTMLElement | null
  /** A token was picked (or another one): the view shows the inspector. */
  onOpen: () => void
  /** Nothing is picked any more. Both must keep their identity across renders. */
  onClose: () => void
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
  const onOpen = dock?.onOpen
  const onClose = dock?.onClose
  // Before paint, so the room is made in the same frame the inspector appears in.
  useLayoutEffect(() => {
    if (open) onOpen?.()
    else onClose?.()
  }, [open, index, onOpen, onClose])
  if (!open) return null
  if (!dock) return children
  return dock.target ? createPortal(children, dock.target) : null
}
