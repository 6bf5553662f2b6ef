import { useEffect } from 'react'
import { viewFromHash, viewStore } from '../stores/view'

/** Follows the URL hash, so the tabs are plain links and Back/Forward work. */
export function useViewFromHash(): void {
  useEffect(() => {
    const follow = () => viewStore.dispatch(viewFromHash(window.location.hash))
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])
}
