import { useTheme } from '../hooks/useTheme'
import { ghostButton } from '../lib/ui'
import { MoonIcon, SunIcon } from './Icons'

export function ThemeToggle() {
  const { theme, toggle } = useTheme()
  const next = theme === 'dark' ? 'light' : 'dark'
  return (
    <button
      type="button"
      data-testid="theme-toggle"
      data-theme={theme}
      className={`${ghostButton} h-8 w-8 px-0`}
      onClick={toggle}
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
    >
      {theme === 'dark' ? <SunIcon /> : <MoonIcon />}
    </button>
  )
}
