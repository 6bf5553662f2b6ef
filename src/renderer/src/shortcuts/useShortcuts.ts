import { useEffect, useState } from 'react'
import { newKindFor, startNew } from '../sessions/new-session'
import { viewStore } from '../stores/view'
import { isNewShortcut, isTextEntry } from './keys'

/** The app-wide keys: New, `/` to search, `?` for the list. Returns the list's open state. */
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
      // `?` and `/` are characters while typing in a field.
      if (isTextEntry(event.target) || event.ctrlKey || event.metaKey || event.altKey) return
      if (event.key === '?') {
        event.preventDefault()
        setSheet(true)
      } else if (event.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-testid=session-search]')
        if (search && search.offsetParent !== null) {
          event.preventDefault()
          search.focus()
        }
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return [sheet, setSheet]
}
