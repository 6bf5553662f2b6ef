import { useCallback, useEffect, useRef, useState } from 'react'

/**
 * The token under the pointer. Leaving a token lets a moment pass before it counts as left:
 * crossing the gap between two chips must not blink their card away and back.
 */
export function useHoveredIndex() {
  const [hovered, setHovered] = useState<number | null>(null)
  const leaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const hover = useCallback((index: number | null) => {
    if (leaveTimer.current) clearTimeout(leaveTimer.current)
    leaveTimer.current = null
    if (index !== null) setHovered(index)
    else leaveTimer.current = setTimeout(() => setHovered(null), 120)
  }, [])
  useEffect(
    () => () => {
      if (leaveTimer.current) clearTimeout(leaveTimer.current)
    },
    [],
  )
  return { hovered, hover, setHovered }
}
