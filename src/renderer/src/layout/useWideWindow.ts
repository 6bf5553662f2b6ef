import { useSyncExternalStore } from 'react'

/**
 * Where panels stop fitting side by side: the sidebar folds away and the inspector moves from the
 * side column to a sheet under the view. The same width is Tailwind's `wide:` breakpoint
 * (styles.css), so markup and code switch together.
 */
export const wideQuery = '(min-width: 1100px)'

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(wideQuery)
  query.addEventListener('change', onChange)
  return () => query.removeEventListener('change', onChange)
}

export function isWideWindow(): boolean {
  return window.matchMedia(wideQuery).matches
}

export function useWideWindow(): boolean {
  return useSyncExternalStore(subscribe, isWideWindow)
}
