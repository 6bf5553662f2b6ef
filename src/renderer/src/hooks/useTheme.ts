import { useCallback, useEffect, useState } from 'react'
import { parseTheme, resolveTheme, themeStorageKey, type Theme } from '../lib/theme'

const darkQuery = '(prefers-color-scheme: dark)'

function readChoice(): Theme | null {
  try {
    return parseTheme(localStorage.getItem(themeStorageKey))
  } catch {
    return null
  }
}

/** Sets the `dark` class before the first paint, so a dark-mode user never sees a white flash. */
export function applyInitialTheme(): void {
  const theme = resolveTheme(readChoice(), window.matchMedia(darkQuery).matches)
  document.documentElement.classList.toggle('dark', theme === 'dark')
}

/** The theme in use and a toggle; follows the system until the user picks one. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const [choice, setChoice] = useState<Theme | null>(readChoice)
  const [systemDark, setSystemDark] = useState(() => window.matchMedia(darkQuery).matches)
  const theme = resolveTheme(choice, systemDark)

  useEffect(() => {
    const query = window.matchMedia(darkQuery)
    const onChange = (event: MediaQueryListEvent) => setSystemDark(event.matches)
    query.addEventListener('change', onChange)
    return () => query.removeEventListener('change', onChange)
  }, [])

  useEffect(() => {
    document.documentElement.classList.toggle('dark', theme === 'dark')
    document.documentElement.style.colorScheme = theme
  }, [theme])

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark'
    setChoice(next)
    try {
      localStorage.setItem(themeStorageKey, next)
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this page only.
    }
  }, [theme])

  return { theme, toggle }
}
