import { useCallback, useLayoutEffect, useRef, type RefObject, type UIEvent } from 'react'

/** How long after a wheel, key, touch or pointer press a scroll still counts as the reader's. */
const readerScrollWindowMs = 1_500
const readerInputs = ['wheel', 'keydown', 'touchmove', 'pointerdown'] as const

/**
 * Keeps a scroll box at its end while its content grows, as long as the reader is at the bottom;
 * leaves them be once they scroll up. The box is scrolled when the browser reports the content's
 * (or the box's) new size (a ResizeObserver, after layout, at most once a frame) rather than after
 * every React commit: reading `scrollHeight` in a layout effect forces a synchronous layout of the
 * whole content on every batch of tokens.
 *
 * Only a scroll that follows the reader's own input (wheel, keys, touch, a press on the
 * scrollbar) can stop the following: on a busy machine the browser also scrolls by itself (the
 * content re-laid out shorter for a frame clamps the position), and that must not read as the
 * reader leaving the end. Nor may it read as the reader coming back: a clamp puts the position
 * at the end too, but by moving it up, and following resumes only when the position moved down
 * to the end.
 */
export function useStickToBottom(
  boxRef: RefObject<HTMLElement | null>,
  contentRef: RefObject<HTMLElement | null>,
  /** How close to the end, in px, still counts as at the bottom. */
  slack: number,
): {
  /** For the box's `onScroll`. */
  onScroll: (event: UIEvent<HTMLElement>) => void
  /** Follow the end again (e.g. after the user sent a message). */
  follow: () => void
} {
  const followRef = useRef(true)
  const ownScrollTop = useRef(0)
  const lastScrollTop = useRef(0)
  const readerActedAt = useRef(Number.NEGATIVE_INFINITY)
  useLayoutEffect(() => {
    const box = boxRef.current
    const content = contentRef.current
    if (!box || !content) return
    // The first report comes with the first frame, before it is painted: no flash at the top.
    const observer = new ResizeObserver(() => {
      if (!followRef.current) return
      box.scrollTop = box.scrollHeight
      ownScrollTop.current = box.scrollTop
    })
    observer.observe(content)
    observer.observe(box)
    const readerActed = () => {
      readerActedAt.current = performance.now()
    }
    for (const input of readerInputs) box.addEventListener(input, readerActed, { passive: true })
    return () => {
      observer.disconnect()
      for (const input of readerInputs) box.removeEventListener(input, readerActed)
    }
  }, [boxRef, contentRef])
  const onScroll = useCallback(
    (event: UIEvent<HTMLElement>) => {
      const box = event.currentTarget
      const movedDown = box.scrollTop > lastScrollTop.current
      lastScrollTop.current = box.scrollTop
      if (performance.now() - readerActedAt.current > readerScrollWindowMs) return
      // The scroll event of our own scrolling arrives a frame later, when more tokens may
      // already have made the content taller: it is ours, not the reader leaving the end.
      if (followRef.current && box.scrollTop >= ownScrollTop.current - 1) return
      const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight < slack
      followRef.current = atEnd && (followRef.current || movedDown)
    },
    [slack],
  )
  const follow = useCallback(() => {
    followRef.current = true
  }, [])
  return { onScroll, follow }
}
