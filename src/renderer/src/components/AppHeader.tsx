import { useStore } from '../hooks/useStore'
import type { SidebarMode } from '../layout/sidebar'
import { SidebarToggle } from '../layout/SidebarToggle'
import { focusRing } from '../lib/ui'
import { appViews, viewStore } from '../stores/view'
import { LogoMark } from './Icons'
import { ThemeToggle } from './ThemeToggle'

export function AppHeader({ sidebar }: { sidebar: SidebarMode }) {
  const current = useStore(viewStore, (view) => view)
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-slate-200 bg-white pr-4 pl-2 lg:gap-6 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center gap-2">
        <SidebarToggle mode={sidebar} />
        <LogoMark />
        {/* Below lg the tabs need the room; the logo stays. */}
        <span className="hidden text-[15px] font-semibold tracking-tight lg:inline">
          Tokenscope
        </span>
      </div>
      <nav aria-label="Views" className="flex h-full items-stretch gap-3 lg:gap-5">
        {appViews.map((view) => {
          const active = view.id === current
          return (
            <a
              key={view.id}
              href={`#${view.id}`}
              data-testid={`nav-${view.id}`}
              aria-current={active ? 'page' : undefined}
              className={`flex items-center border-b-2 px-1 text-sm font-medium whitespace-nowrap ${focusRing} ${
                active
                  ? 'border-violet-600 text-slate-900 dark:border-violet-400 dark:text-white'
                  : 'border-transparent text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200'
              }`}
            >
              {view.label}
            </a>
          )
        })}
      </nav>
      <div className="ml-auto flex items-center gap-1">
        <ThemeToggle />
      </div>
    </header>
  )
}
