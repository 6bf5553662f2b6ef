import { useLayoutEffect, useState, type RefObject } from 'react'
import { placePopover, type Placement } from '../lib/placement'

/**
 * Keeps a fixed-position panel next to an anchor element through scrolling, resizing and
 * changes of the panel's own size. Returns null until measured, so nothing flashes at 0,0.
 */
export function useAnchoredPosition(
  findAnchor: () => Element | null,
  panelRef: RefObject<HTMLElement | null>,
  key: unknown,
): Placement | null {
  const [placement, setPlacement] = useState<Placement | null>(null)

  useLayoutEffect(() => {
    let frame = 0
    const update = () => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(measure)
    }
    const measure = () => {
      const anchor = findAnchor()
      const panel = panelRef.current
      if (!anchor || !panel) return
      const rect = anchor.getBoundingClientRect()
      const next = placePopover(
        { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
        { width: panel.offsetWidth, height: panel.offsetHeight },
        { width: window.innerWidth, height: window.innerHeight },
      )
      setPlacement((prev) =>
        prev && prev.left === next.left && prev.top === next.top && prev.side === next.side
          ? prev
          : next,
      )
    }
    measure()
    const resize = new ResizeObserver(update)
    if (panelRef.current) resize.observe(panelRef.current)
    window.addEventListener('scroll', update, true)
    window.addEventListener('resize', update)
    return () => {
      cancelAnimationFrame(frame)
      resize.disconnect()
      window.removeEventListener('scroll', update, true)
      window.removeEventListener('resize', update)
    }
    // `key` names the anchor; findAnchor is a fresh closure every render and must not re-run this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, panelRef])

  return placement
}
