import { useEffect, useRef } from 'react'
import { isTextEntry } from '../shortcuts/keys'

export interface PickKeys {
  /** Whether a token is picked (its inspector open). */
  picked: boolean
  /** ←/→, Home or End pressed with a token picked. */
  step: (key: 'ArrowLeft' | 'ArrowRight' | 'Home' | 'End') => void
  /** Esc with a token picked. */
  close: () => void
  /** Esc with nothing picked, e.g. stop the view's run. */
  idleEscape?: () => void
}

const steppingKeys = new Set(['ArrowLeft', 'ArrowRight', 'Home', 'End'])

function isStep(key: string): key is Parameters<PickKeys['step']>[0] {
  return steppingKeys.has(key)
}

/**
 * The keys of a view's picked token, wherever the focus is: Esc puts the pick down, ←/→ and
 * Home/End walk the tokens. A focused token stream steps by itself and marks the key handled,
 * and keys typed into a field belong to the field.
 */
export function usePickKeys(keys: PickKeys): void {
  // One listener for the view's life, reading the latest handlers.
  const latest = useRef(keys)
  useEffect(() => {
    latest.current = keys
  })
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { picked, step, close, idleEscape } = latest.current
      if (event.key === 'Escape') {
        if (picked) close()
        else idleEscape?.()
        return
      }
      if (!picked || !isStep(event.key) || event.defaultPrevented) return
      if (isTextEntry(event.target) || event.altKey || event.ctrlKey || event.metaKey) return
      event.preventDefault()
      step(event.key)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
}
