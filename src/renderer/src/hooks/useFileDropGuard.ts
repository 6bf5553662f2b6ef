import { useEffect } from 'react'

/**
 * A file dropped outside a drop zone would make the browser (or the app window) navigate to it,
 * replacing the app with the file's raw bytes. Drop zones handle their own events first.
 */
export function useFileDropGuard(): void {
  useEffect(() => {
    const guard = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault()
    }
    window.addEventListener('dragover', guard)
    window.addEventListener('drop', guard)
    return () => {
      window.removeEventListener('dragover', guard)
      window.removeEventListener('drop', guard)
    }
  }, [])
}
