import { useCallback, useLayoutEffect, useRef, type RefObject, type UIEvent } from 'react'

/**
 * Keeps a scroll box at its end while its content grows, as long as the reader is at the bottom;
 * leaves them be once they scroll up. The box is scrolled when the browser reports the content's
 * new size (a ResizeObserver, after layout, at most once a frame) rather than after every React
 * commit: reading `scrollHeight` in a layout effect forces a synchronous layout of the whole
 * content on every batch of tokens.
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
    return () => observer.disconnect()
  }, [boxRef, contentRef])
  const onScroll = useCallback(
    (event: UIEvent<HTMLElement>) => {
      const box = event.currentTarget
      // The scroll event of our own scrolling arrives a frame later, when more tokens may
      // already have made the content taller: it is ours, not the reader leaving the end.
      if (followRef.current && box.scrollTop >= ownScrollTop.current - 1) return
      followRef.current = box.scrollHeight - box.scrollTop - box.clientHeight < slack
    },
    [slack],
  )
  const follow = useCallback(() => {
    followRef.current = true
  }, [])
  return { onScroll, follow }
}
