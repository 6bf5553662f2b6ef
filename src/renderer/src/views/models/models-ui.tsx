import type { ReactNode } from 'react'
import type { AppError } from '../../../../shared/errors'
import { AlertIcon } from '../../components/Icons'
import { card, cardTitle, focusRing, mutedText } from '../../lib/ui'

export interface PanelProps {
  title: string
  /** Drawn at the right of the title row. */
  actions?: ReactNode
  children: ReactNode
  testId?: string
  className?: string
}

/** A titled card: the building block of the Models tab. */
export function Panel({ title, actions, children, testId, className = '' }: PanelProps) {
  return (
    <section
      data-testid={testId}
      aria-label={title}
      className={`${card} @container flex min-w-0 flex-col gap-3 p-4 ${className}`}
    >
      <div className="flex min-h-7 items-center gap-2">
        <h2 className={`${cardTitle} mr-auto`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  )
}

export interface ErrorNoteProps {
  error: AppError
  testId?: string
  children?: ReactNode
  /** Smaller, for errors inside list rows. */
  compact?: boolean
}

/** An error as a sentence and what to do about it. */
export function ErrorNote({ error, testId, children, compact = false }: ErrorNoteProps) {
  return (
    <div
      role="alert"
      data-testid={testId}
      data-code={error.code}
      className={`flex gap-2 rounded-lg border border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950/50 dark:text-red-100 ${
        compact ? 'px-2 py-1.5 text-xs' : 'px-3 py-2 text-sm'
      }`}
    >
      <AlertIcon
        className="mt-0.5 shrink-0 text-red-600 dark:text-red-400"
        width={compact ? 14 : 16}
        height={compact ? 14 : 16}
      />
      <div className="min-w-0 flex-1">
        <p className="font-medium break-words">{error.message}</p>
        {error.hint && (
          <p className="mt-0.5 break-words text-red-800 dark:text-red-200/80">{error.hint}</p>
        )}
        {children}
      </div>
    </div>
  )
}

export interface ProgressBarProps {
  /** 0..1; null draws an indeterminate bar. */
  value: number | null
  label: string
  testId?: string
  tone?: 'violet' | 'emerald' | 'red' | 'slate'
}

const tones = {
  violet: 'bg-violet-600 dark:bg-violet-400',
  emerald: 'bg-emerald-500 dark:bg-emerald-400',
  red: 'bg-red-500 dark:bg-red-400',
  slate: 'bg-slate-400 dark:bg-slate-500',
}

export function ProgressBar({ value, label, testId, tone = 'violet' }: ProgressBarProps) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100)
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      data-testid={testId}
      className="h-1.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      <div
        className={`h-full rounded-full transition-[width] duration-200 ${tones[tone]} ${
          percent === null ? 'w-1/3 animate-pulse' : ''
        }`}
        style={percent === null ? undefined : { width: `${percent}%` }}
      />
    </div>
  )
}

export type BadgeTone = 'slate' | 'violet' | 'emerald' | 'amber' | 'red' | 'sky'

const badgeTones: Record<BadgeTone, string> = {
  slate: 'bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300',
  violet: 'bg-violet-100 text-violet-800 dark:bg-violet-900/60 dark:text-violet-200',
  emerald: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  amber: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200',
  red: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
  sky: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
}

export function Badge({
  tone = 'slate',
  children,
  title,
  testId,
}: {
  tone?: BadgeTone
  children: ReactNode
  title?: string
  testId?: string
}) {
  return (
    <span
      title={title}
      data-testid={testId}
      className={`inline-flex shrink-0 items-center rounded px-1.5 py-px text-[11px] font-semibold ${badgeTones[tone]}`}
    >
      {children}
    </span>
  )
}

export const textInput = `h-9 w-full min-w-0 rounded-lg border border-slate-300 bg-white px-3 text-sm text-slate-900 placeholder:text-slate-400 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500 ${focusRing}`

export const smallInput = `h-8 w-full min-w-0 rounded-md border border-slate-300 bg-white px-2 text-sm tabular-nums text-slate-900 placeholder:text-slate-400 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500 ${focusRing}`

export function EmptyNote({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p
      data-testid={testId}
      className={`rounded-lg border border-dashed border-slate-300 px-3 py-4 text-center text-sm leading-relaxed dark:border-slate-700 ${mutedText}`}
    >
      {children}
    </p>
  )
}
