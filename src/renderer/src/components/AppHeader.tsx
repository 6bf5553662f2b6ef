import { focusRing } from '../lib/ui'
import { LogoMark } from './Icons'
import { ThemeToggle } from './ThemeToggle'

export function AppHeader() {
  return (
    <header className="flex h-12 shrink-0 items-center gap-6 border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center gap-2">
        <LogoMark />
        <span className="text-[15px] font-semibold tracking-tight">Tokenscope</span>
      </div>
      <nav aria-label="Views" className="flex h-full items-stretch">
        <a
          href="#completion"
          aria-current="page"
          className={`flex items-center border-b-2 border-violet-600 px-1 text-sm font-medium text-slate-900 dark:border-violet-400 dark:text-white ${focusRing}`}
        >
          Completion
        </a>
      </nav>
      <div className="ml-auto flex items-center gap-1">
        <ThemeToggle />
      </div>
    </header>
  )
}
