import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { flushSync } from 'react-dom'

/** What marks the still-growing group of a paragraph streamed in pieces (see `line-groups`). */
export const openGroupAttribute = 'data-line-group'

interface Measured {
  /** The root's width when the lines were seen; another width wraps them elsewhere. */
  width: number
  /** What else sat in the lines then (e.g. branch switches); other content wraps elsewhere. */
  layoutKey: string
  /** The text they were seen in: another text (a new run) has its lines elsewhere. */
  text: string
  starts: readonly number[]
}

const none: readonly number[] = []

/** Where the last of a rect list sits: the line a span's last character is on. */
function lastTop(el: Element): number {
  const rects = el.getClientRects()
  return rects[rects.length - 1]?.top ?? Number.NaN
}

/**
 * The source offset of the space before the first word of the last line of `group`, when that
 * line starts cleanly with a token span (` word`): every span before it ends on an earlier line,
 * and nothing of it but its space does. Null when the last line starts any other way.
 */
export function lastLineStart(group: Element): number | null {
  const spans = group.querySelectorAll<HTMLElement>('[data-src]')
  const last = spans[spans.length - 1]
  if (!last) return null
  const top = lastTop(last)
  let first = spans.length - 1
  while (first > 0 && Math.abs(lastTop(spans[first - 1] as Element) - top) < 2) first--
  const start = spans[first]
  if (first === 0 || !start || !/^ [^\s-]+$/.test(start.textContent ?? '')) return null
  // Its space may end the line before (a removed space draws nothing there); any more, no.
  const rects = start.getClientRects()
  const lead = rects[0]
  if (rects.length > 2 || (rects.length === 2 && lead && lead.width > 6)) return null
  // A branch switch belongs to its token: a block that ended between them would move it.
  if (start.previousElementSibling?.matches('[data-testid=branch-switcher]')) return null
  const src = Number(start.dataset.src)
  return Number.isInteger(src) ? src : null
}

/**
 * Offsets of the spaces where a reply's streaming paragraph was seen to start a new line, sorted,
 * for the paragraph to be split into blocks there (see `line-groups`). The last line is read
 * whenever the reply's size changes (after layout, so reading it forces none) while it streams;
 * a new width or layout forgets them all, and the paragraph is drawn in one piece again.
 */
export function useTextLineStarts(
  rootRef: RefObject<HTMLElement | null>,
  source: string,
  /** Only while the reply streams is its last paragraph growing. */
  active: boolean,
  /** Changes when something besides the text changes where lines wrap. */
  layoutKey: string,
): readonly number[] {
  const [measured, setMeasured] = useState<Measured>({ width: 0, layoutKey, text: '', starts: [] })
  // The observer's own record: it changes without a render when only the width does.
  const measuredRef = useRef(measured)
  const latest = useRef({ source, active, layoutKey })
  useLayoutEffect(() => {
    latest.current = { source, active, layoutKey }
  })

  useLayoutEffect(() => {
    const root = rootRef.current
    if (!root) return
    const remember = (next: Measured, beforePaint = false) => {
      measuredRef.current = next
      // Blocks split for the old width would show for a frame at the new one: join them now.
      if (beforePaint) flushSync(() => setMeasured(next))
      else setMeasured(next)
    }
    const observer = new ResizeObserver(() => {
      const last = measuredRef.current
      const width = root.clientWidth
      const { source: text, active: growing, layoutKey: key } = latest.current
      if (last.width !== width || last.layoutKey !== key) {
        if (last.starts.length > 0) remember({ width, layoutKey: key, text: '', starts: [] }, true)
        else measuredRef.current = { ...last, width, layoutKey: key }
        return
      }
      if (!growing) return
      const groups = root.querySelectorAll(`[${openGroupAttribute}=open]`)
      const group = groups[groups.length - 1]
      const at = group ? lastLineStart(group) : null
      if (at === null || last.starts.includes(at)) return
      // Starts seen in another text (Completion's next run) are dropped here.
      const kept = text.startsWith(last.text) ? last.starts : []
      remember({ width, layoutKey: key, text, starts: [...kept, at].sort((a, b) => a - b) })
    })
    observer.observe(root)
    return () => observer.disconnect()
  }, [rootRef])

  return useMemo(
    () =>
      measured.layoutKey === layoutKey && source.startsWith(measured.text) ? measured.starts : none,
    [measured, layoutKey, source],
  )
}
