import { useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { chunkedItemAt, type Chunks } from '../stores/token-chunks'

/**
 * A growing block is split once it holds this many chips (two or three lines at usual widths).
 * Every batch lays the growing block out whole: at 96, issue 18's probe had 5 of 200 streams
 * with a task over 50 ms, mostly in the first 300 ms; at 48, 1 of 160.
 */
const chipsPerBlock = 48

interface LineStart<T> {
  index: number
  /** The token seen there; a new run or another branch puts other tokens at that index. */
  token: T
}

interface Measured<T> {
  /** The content's width when the lines were seen; another width wraps them elsewhere. */
  width: number
  /** What else sat in the lines then (e.g. branch switches); other content wraps elsewhere. */
  layoutKey: string
  starts: readonly LineStart<T>[]
}

/**
 * Generated-token indices where the browser started a new line inside the stream's last
 * block, for `streamBlocks` to end blocks there. A paragraph without line breaks would
 * otherwise grow as one block, and every batch of tokens would lay out and paint all of it.
 * Splitting where a line wrapped anyway changes nothing on screen. Lines are read when the
 * content's size changes (after layout, so reading them forces none); a new width forgets them.
 */
export function useLineStarts<T>(
  contentRef: RefObject<HTMLElement | null>,
  tokens: Chunks<T>,
  /** Only while tokens stream in is the last block growing. */
  active: boolean,
  /** Changes when something besides the tokens changes where lines wrap. */
  layoutKey: string,
): readonly number[] {
  const [measured, setMeasured] = useState<Measured<T>>({ width: 0, layoutKey, starts: [] })
  // The observer's own record: it changes without a render when only the width does.
  const measuredRef = useRef(measured)
  const tokensRef = useRef(tokens)
  const activeRef = useRef(active)
  const layoutKeyRef = useRef(layoutKey)
  useLayoutEffect(() => {
    tokensRef.current = tokens
    activeRef.current = active
    layoutKeyRef.current = layoutKey
  })

  useLayoutEffect(() => {
    const content = contentRef.current
    if (!content) return
    const remember = (next: Measured<T>) => {
      measuredRef.current = next
      setMeasured(next)
    }
    const observer = new ResizeObserver(() => {
      const last = measuredRef.current
      const width = content.clientWidth
      const layoutKey = layoutKeyRef.current
      if (last.width !== width || last.layoutKey !== layoutKey) {
        if (last.starts.length > 0) remember({ width, layoutKey, starts: [] })
        else measuredRef.current = { width, layoutKey, starts: last.starts }
        return
      }
      if (!activeRef.current) return
      const index = lastLineStart(content)
      const token = index === null ? undefined : chunkedItemAt(tokensRef.current, index)
      if (index === null || token === undefined || last.starts.some((s) => s.index === index))
        return
      // Starts of an earlier run or another branch are dropped here, not kept forever.
      const kept = last.starts.filter((s) => chunkedItemAt(tokensRef.current, s.index) === s.token)
      remember({ width, layoutKey, starts: [...kept, { index, token }] })
    })
    observer.observe(content)
    return () => observer.disconnect()
  }, [contentRef])

  return useMemo(
    () =>
      (measured.layoutKey === layoutKey ? measured.starts : [])
        .filter((start) => chunkedItemAt(tokens, start.index) === start.token)
        .map((start) => start.index)
        .sort((a, b) => a - b),
    [measured, tokens, layoutKey],
  )
}

/** The generated chip that begins the last block's last line, once that block is long enough. */
function lastLineStart(content: HTMLElement): number | null {
  const block = content.lastElementChild
  if (!(block instanceof HTMLElement) || !block.checkVisibility({ contentVisibilityAuto: true }))
    return null
  const chips = block.querySelectorAll<HTMLElement>('[data-testid=token-chip]')
  const last = chips[chips.length - 1]
  if (!last || chips.length < chipsPerBlock) return null
  const top = last.offsetTop
  let first = chips.length - 1
  while (first > 0 && Math.abs((chips[first - 1]?.offsetTop ?? 0) - top) < 4) first--
  const chip = chips[first]
  if (first === 0 || !chip) return null
  // A branch switch belongs to its chip; splitting between them would move it.
  const before = chip.previousElementSibling
  if (
    before instanceof HTMLElement &&
    before.dataset.testid === 'branch-switcher' &&
    Math.abs(before.offsetTop - top) >= 4
  )
    return null
  const index = Number(chip.dataset.index)
  return Number.isInteger(index) ? index : null
}
