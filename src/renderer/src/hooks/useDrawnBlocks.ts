import { useEffect, useState } from 'react'

/** At most this many tokens are drawn in one task when a long transcript appears at once. */
export const tokensPerTask = 1500

interface Drawn {
  source: unknown
  /** The transcript's end when last seen. */
  end: number
  /** Tokens drawn up to here. */
  to: number
}

/**
 * The blocks to draw now. Streaming adds a few tokens at a time and draws them at once; a
 * transcript that appears whole (a saved session opened) is drawn `tokensPerTask` tokens a task,
 * from its start, so that the first lines are on screen at once and no task draws 20,000 chips.
 * `source` (the first chunk of tokens, say) changes when other tokens are shown: drawing starts
 * over.
 */
export function useDrawnBlocks<B extends { end: number }>(
  blocks: readonly B[],
  source: unknown,
): readonly B[] {
  const end = blocks[blocks.length - 1]?.end ?? 0
  const [drawn, setDrawn] = useState<Drawn>(() => ({
    source,
    end,
    to: Math.min(end, tokensPerTask),
  }))
  let current = drawn
  if (drawn.source !== source || drawn.end !== end) {
    // Adjusted while rendering (React's pattern for state that follows props): no extra commit.
    const from = drawn.source === source ? drawn.to : 0
    current = { source, end, to: end - from <= tokensPerTask ? end : from + tokensPerTask }
    setDrawn(current)
  }
  const { to } = current
  useEffect(() => {
    if (to >= end) return
    const timer = setTimeout(() =>
      setDrawn((d) =>
        d.source === source && d.end === end ? { ...d, to: d.to + tokensPerTask } : d,
      ),
    )
    return () => clearTimeout(timer)
  }, [to, end, source])
  if (to >= end) return blocks
  let count = 0
  while (count < blocks.length && blocks[count]!.end <= to) count++
  return blocks.slice(0, Math.max(1, count))
}
