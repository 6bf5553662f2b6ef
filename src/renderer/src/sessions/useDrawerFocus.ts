import { useEffect, type RefObject } from 'react'
import { closeSidebarDrawer } from '../layout/sidebar'
import { isTextEntry } from '../shortcuts/keys'

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]):not([tabindex="-1"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

function focusablesIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(focusable)].filter(
    (el) => el.getClientRects().length > 0,
  )
}

/** The button that opened the drawer, where the focus goes back to. */
function drawerButton(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[aria-controls="sessions-sidebar"]')
}

/**
 * The drawer over a narrow window holds the focus while it is open, as a dialog does: it takes
 * the focus when it opens, Tab and Shift+Tab cycle inside it, Esc puts it away, and the focus
 * goes back to the button that opened it (unless the reader's pick sent it elsewhere).
 */
export function useDrawerFocus(ref: RefObject<HTMLElement | null>, open: boolean): void {
  useEffect(() => {
    const root = ref.current
    if (!open || !root) return
    focusablesIn(root)[0]?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        // In a field Esc belongs to the field, unless there is nothing in it to clear.
        const field = event.target instanceof HTMLInputElement ? event.target : null
        if (isTextEntry(event.target) && (!field || field.value !== '')) return
        event.stopPropagation()
        closeSidebarDrawer()
        return
      }
      if (event.key !== 'Tab') return
      const inside = focusablesIn(root)
      const first = inside[0]
      const last = inside[inside.length - 1]
      if (!first || !last) return
      const at = document.activeElement
      const outside = !(at instanceof Node) || !root.contains(at)
      if (event.shiftKey && (outside || at === first)) {
        event.preventDefault()
        last.focus()
      } else if (!event.shiftKey && (outside || at === last)) {
        event.preventDefault()
        first.focus()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      const at = document.activeElement
      if (!at || at === document.body || root.contains(at)) drawerButton()?.focus()
    }
  }, [ref, open])
}
