/** Shared class lists, so every control looks and focuses the same way. */
export const focusRing =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500'

export const card =
  'rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900'

export const cardTitle =
  'text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400'

const buttonBase = `inline-flex items-center justify-center gap-1.5 rounded-lg text-sm font-medium transition-colors disabled:cursor-not-allowed ${focusRing}`

export const primaryButton = `${buttonBase} h-9 px-4 bg-violet-600 text-white hover:bg-violet-700 disabled:bg-slate-300 disabled:text-slate-500 dark:disabled:bg-slate-700 dark:disabled:text-slate-400`

export const secondaryButton = `${buttonBase} h-9 px-3 border border-slate-300 bg-white text-slate-700 hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700`

export const ghostButton = `${buttonBase} h-7 px-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white`

export const mutedText = 'text-slate-500 dark:text-slate-400'
