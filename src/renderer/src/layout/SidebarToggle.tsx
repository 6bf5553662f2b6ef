import { SidebarIcon } from '../components/Icons'
import { ghostButton } from '../lib/ui'
import { mod } from '../shortcuts/keys'
import { toggleSidebar, type SidebarMode } from './sidebar'

/** Shows or hides the sessions sidebar; its state is the sidebar's `mode`. */
export function SidebarToggle({ mode }: { mode: SidebarMode }) {
  const open = mode !== 'closed'
  const what = `${open ? 'Hide' : 'Show'} sessions`
  return (
    <button
      type="button"
      data-testid="sidebar-toggle"
      aria-controls="sessions-sidebar"
      aria-expanded={open}
      aria-label={what}
      title={`${what} (${mod} B)`}
      className={`${ghostButton} h-8 w-8 px-0`}
      onClick={toggleSidebar}
    >
      <SidebarIcon />
    </button>
  )
}
