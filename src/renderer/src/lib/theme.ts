export type Theme = 'light' | 'dark'

export const themeStorageKey = 'tokenscope.theme'

/** A saved choice, or null when the user never chose (then the system preference rules). */
export function parseTheme(stored: string | null): Theme | null {
  return stored === 'light' || stored === 'dark' ? stored : null
}

export function resolveTheme(choice: Theme | null, systemPrefersDark: boolean): Theme {
  return choice ?? (systemPrefersDark ? 'dark' : 'light')
}
