import { useEffect, useState } from 'react'
import { newKindFor, startNew } from '../sessions/new-session'
import { viewStore } from '../stores/view'
import { isSidebarOpen, setSidebarOpen, toggleSidebar } from '../layout/sidebar'
import { isNewShortcut, isSidebarShortcut, isTextEntry } from './keys'

/**
 * The app-wide keys: New, the sidebar, `/` to search, `?` for the list. Returns the list's open
 * state.
 */
export function useShortcuts(): [boolean, (open: boolean) => void] {
  const [sheet, setSheet] = useState(false)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return
      if (isNewShortcut(event)) {
        event.preventDefault()
        startNew(newKindFor(viewStore.getState()))
        return
      }
      if (isSidebarShortcut(event)) {
        event.preventDefault()
        toggleSidebar()
        return
      }
      // `?` and `/` are characters while typing in a field.
      if (isTextEntry(event.target) || event.ctrlKey || event.metaKey || event.altKey) return
      if (event.key === '?') {
        event.preventDefault()
        setSheet(true)
      } else if (event.key === '/') {
        event.preventDefault()
        // A folded sidebar opens for the search; focus waits until it is drawn.
        if (!isSidebarOpen()) setSidebarOpen(true)
        requestAnimationFrame(() =>
          document.querySelector<HTMLInputElement>('[data-testid=session-search]')?.focus(),
        )
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return [sheet, setSheet]
}
