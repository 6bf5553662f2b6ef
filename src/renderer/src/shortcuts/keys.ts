/** Keyboard shortcuts that work in a browser tab as well as in the desktop window. */

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** The desktop window (its preload exposes this); a browser keeps Ctrl+N for a new window. */
export const isDesktop = typeof window !== 'undefined' && 'tokenscopeDesktop' in window

export function isTextEntry(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}

export const mod = isMac ? '⌘' : 'Ctrl'
export const alt = isMac ? '⌥' : 'Alt'

/**
 * "New": Alt+N everywhere. Browsers keep Ctrl+N, Ctrl+T and Ctrl+Shift+N for themselves (a page
 * never sees them) and Alt+1…8 switch tabs on Linux; Alt+N is free in Chrome, Firefox and Safari.
 * On a Mac, Option+N is a dead key, so the physical key is matched, not the character.
 */
export function isNewShortcut(event: KeyboardEvent): boolean {
  if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyN') return true
  return (
    isDesktop &&
    (event.ctrlKey || event.metaKey) &&
    !event.shiftKey &&
    !event.altKey &&
    event.key.toLowerCase() === 'n'
  )
}

/**
 * The sessions sidebar: Ctrl+B (⌘B on a Mac), as in code editors. No browser keeps it for itself
 * (Firefox's bookmarks sidebar gives way to the page), and in a text field it types nothing.
 */
export function isSidebarShortcut(event: KeyboardEvent): boolean {
  const command = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey
  return command && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'b'
}

export interface ShortcutRow {
  keys: string[]
  what: string
}

export const shortcutGroups: { title: string; rows: ShortcutRow[] }[] = [
  {
    title: 'Anywhere',
    rows: [
      {
        keys: isDesktop ? [`${alt} N`, `${mod} N`] : [`${alt} N`],
        what: 'New session of this tab’s kind',
      },
      { keys: [`${mod} B`], what: 'Show or hide the sessions sidebar' },
      { keys: ['/'], what: 'Search sessions' },
      { keys: ['?'], what: 'Show this list' },
      { keys: ['Esc'], what: 'Stop the run; close a popup' },
    ],
  },
  {
    title: 'Writing',
    rows: [
      { keys: [`${mod} Enter`], what: 'Generate (Completion, Compare)' },
      { keys: ['Enter'], what: 'Send the message (Chat)' },
      { keys: ['Shift Enter'], what: 'New line in a message' },
    ],
  },
  {
    title: 'Tokens',
    rows: [
      { keys: ['← →'], what: 'Previous / next token in the inspector' },
      { keys: ['Home', 'End'], what: 'First / last token' },
    ],
  },
]
