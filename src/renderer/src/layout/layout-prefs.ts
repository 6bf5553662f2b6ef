/** Which panels the reader keeps open, remembered across sessions like the inspector's prefs. */
export interface LayoutPrefs {
  /** The sessions sidebar on wide windows; narrow ones always start with it closed. */
  sidebar: boolean
  /** Compare's statistics and probability chart, unfolded in every column. */
  compareStats: boolean
}

export const defaultLayoutPrefs: LayoutPrefs = { sidebar: true, compareStats: false }

export type LayoutPrefsAction =
  { type: 'sidebar'; open: boolean } | { type: 'compareStats'; open: boolean }

export function layoutPrefsReducer(state: LayoutPrefs, action: LayoutPrefsAction): LayoutPrefs {
  switch (action.type) {
    case 'sidebar':
      return state.sidebar === action.open ? state : { ...state, sidebar: action.open }
    case 'compareStats':
      return state.compareStats === action.open ? state : { ...state, compareStats: action.open }
  }
}

/** Reads what an earlier session saved; each part falls back to its default on its own. */
export function parseLayoutPrefs(text: string | null): LayoutPrefs {
  if (!text) return defaultLayoutPrefs
  try {
    const raw = JSON.parse(text) as Record<string, unknown>
    return {
      sidebar: typeof raw.sidebar === 'boolean' ? raw.sidebar : defaultLayoutPrefs.sidebar,
      compareStats:
        typeof raw.compareStats === 'boolean' ? raw.compareStats : defaultLayoutPrefs.compareStats,
    }
  } catch {
    return defaultLayoutPrefs
  }
}
