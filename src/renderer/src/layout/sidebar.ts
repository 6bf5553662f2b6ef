import { useEffect } from 'react'
import { useStore } from '../hooks/useStore'
import { createStore } from '../stores/store'
import { layoutPrefsStore } from './stores'
import { isWideWindow, useWideWindow } from './useWideWindow'

/**
 * How the sessions sidebar shows: beside the view on wide windows (as the reader last left it),
 * over the view on narrow ones, where it opens only on request and is not remembered.
 */
export type SidebarMode = 'inline' | 'drawer' | 'closed'

/** The drawer on narrow windows. */
const drawerStore = createStore<boolean, boolean>((_open, next) => next, false)

export function useSidebarMode(): SidebarMode {
  const wide = useWideWindow()
  const pinned = useStore(layoutPrefsStore, (s) => s.sidebar)
  const drawer = useStore(drawerStore, (open) => open)
  // Back on a narrow window, the view comes first again.
  useEffect(() => {
    if (wide) drawerStore.dispatch(false)
  }, [wide])
  if (wide) return pinned ? 'inline' : 'closed'
  return drawer ? 'drawer' : 'closed'
}

export function setSidebarOpen(open: boolean): void {
  if (isWideWindow()) layoutPrefsStore.dispatch({ type: 'sidebar', open })
  else drawerStore.dispatch(open)
}

export function isSidebarOpen(): boolean {
  return isWideWindow() ? layoutPrefsStore.getState().sidebar : drawerStore.getState()
}

export function toggleSidebar(): void {
  setSidebarOpen(!isSidebarOpen())
}

/** A drawer steps aside once the reader has picked what to open. */
export function closeSidebarDrawer(): void {
  drawerStore.dispatch(false)
}
