import { startTransition, useEffect, useState } from 'react'

/** At most this many tokens are drawn in one task when a long transcript appears at once. */
export const tokensPerTask = 500

interface Drawn {
  source: unknown
  /** The transcript's end when last seen. */
  end: number
  /** Tokens are drawn from here to the end. */
  from: number
}

/**
 * A transcript longer than one part starts with nothing drawn: even its first part goes in as a
 * transition (see below), because the update that shows it comes from a store, which React
 * renders in one blocking task (500 chips: 40–55 ms of CPU on a 2-core machine).
 */
const fresh = (source: unknown, end: number): Drawn => ({
  source,
  end,
  from: end > tokensPerTask ? end : 0,
})

/**
 * The blocks to draw now. Streaming adds a few tokens at a time and draws them at once; a
 * transcript that appears whole (a saved session opened) is drawn `tokensPerTask` tokens a task
 * from its end backwards: the view opens at the end, where the reader lands, and each earlier
 * part goes in above it, off screen, where the browser skips its layout and paint (and keeps
 * the view where it is). Drawn from the start instead, the view followed the end down through
 * every part, laying out and painting a new screenful on each task. `source` (the first chunk
 * of tokens, say) changes when other tokens are shown: drawing starts over.
 */
export function useDrawnBlocks<B extends { end: number }>(
  blocks: readonly B[],
  source: unknown,
): readonly B[] {
  const end = blocks[blocks.length - 1]?.end ?? 0
  const [drawn, setDrawn] = useState<Drawn>(() => fresh(source, end))
  let current = drawn
  if (drawn.source !== source || drawn.end !== end) {
    // Adjusted while rendering (React's pattern for state that follows props): no extra commit.
    const grewBy = end - drawn.end
    current =
      drawn.source === source && grewBy <= tokensPerTask
        ? { source, end, from: Math.min(drawn.from, end) }
        : fresh(source, end)
    setDrawn(current)
  }
  const { from } = current
  useEffect(() => {
    if (from === 0) return
    // A transition: React renders the part in slices of a few milliseconds, yielding between
    // them, where an update from a timer would create every chip's element in one task.
    const timer = setTimeout(() =>
      startTransition(() =>
        setDrawn((d) =>
          d.source === source && d.end === end
            ? { ...d, from: Math.max(0, d.from - tokensPerTask) }
            : d,
        ),
      ),
    )
    return () => clearTimeout(timer)
  }, [from, end, source])
  if (from === 0) return blocks
  if (from === end) return []
  let first = blocks.length - 1
  while (first > 0 && blocks[first - 1]!.end > from) first--
  return blocks.slice(Math.max(0, first))
}
