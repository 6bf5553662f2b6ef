import { useEffect, useRef, useState } from 'react'
import { copyText } from '../lib/clipboard'
import { ghostButton } from '../lib/ui'
import { CheckIcon, CopyIcon } from './Icons'

export interface CopyButtonProps {
  /** The text to copy, read when clicked (so a long reply is joined only then). */
  text: () => string
  label?: string
  title?: string
  className?: string
  'data-testid'?: string
}

/** Copies exact text and says so for a moment. */
export function CopyButton({
  text,
  label = 'Copy',
  title,
  className = '',
  ...rest
}: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    [],
  )
  return (
    <button
      type="button"
      data-testid={rest['data-testid'] ?? 'copy-button'}
      data-state={state}
      title={title ?? 'Copy to the clipboard'}
      className={`${ghostButton} h-6 text-xs select-none ${className}`}
      onClick={async () => {
        const ok = await copyText(text())
        setState(ok ? 'copied' : 'failed')
        if (timer.current) clearTimeout(timer.current)
        timer.current = setTimeout(() => setState('idle'), 1500)
      }}
    >
      {state === 'copied' ? (
        <CheckIcon className="size-3.5 text-emerald-600 dark:text-emerald-400" />
      ) : (
        <CopyIcon className="size-3.5" />
      )}
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
      </span>
    </button>
  )
}
