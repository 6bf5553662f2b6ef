import { startTransition, useEffect, useRef, useState } from 'react'
import type { SessionNode } from '../../../../shared/sessions'

/** About this many tokens of messages are drawn per task when a conversation appears whole. */
export const messageTokensPerTask = 400

/** A message's weight in tokens: a reply's own count, else its text's length over four. */
function tokensOf(node: SessionNode): number {
  return Math.max(1, node.run?.tokens.length ?? Math.ceil(node.text.length / 4))
}

/** Where drawing goes on from: the earliest message of the next part before `hidden`. */
function nextPartStart(messages: readonly SessionNode[], hidden: number): number {
  let start = Math.min(hidden, messages.length)
  for (let tokens = 0; start > 0 && tokens < messageTokensPerTask;)
    tokens += tokensOf(messages[--start]!)
  return start
}

interface Drawn {
  source: unknown
  /** How many messages at the start are not drawn yet. */
  hidden: number
}

function fresh(source: unknown, messages: readonly SessionNode[]): Drawn {
  const whole = messages.reduce((sum, node) => sum + tokensOf(node), 0)
  return { source, hidden: whole > messageTokensPerTask ? messages.length : 0 }
}

/**
 * The messages to draw now. A conversation that appears whole (a saved chat opened) is drawn
 * from its end backwards, about `messageTokensPerTask` tokens of messages at a time, each part
 * as a React transition: in one go, a 20-turn chat of 11,000 tokens was one task of 450 ms
 * (Markdown parsed, every element made) and two frames of 140–210 ms. The view opens at the end,
 * where the reader lands, and the earlier turns go in above it. Messages added later (a sent
 * message, a reply) are drawn at once; `source` (the conversation's id) changing starts over.
 */
export function useDrawnMessages(
  messages: readonly SessionNode[],
  source: unknown,
): readonly SessionNode[] {
  const [drawn, setDrawn] = useState<Drawn>(() => fresh(source, messages))
  let current = drawn
  if (drawn.source !== source) {
    // Adjusted while rendering (React's pattern for state that follows props): no extra commit.
    current = fresh(source, messages)
    setDrawn(current)
  }
  const hidden = Math.min(current.hidden, messages.length)
  const messagesRef = useRef(messages)
  useEffect(() => {
    messagesRef.current = messages
  })
  useEffect(() => {
    if (hidden === 0) return
    const timer = setTimeout(() =>
      startTransition(() =>
        setDrawn((d) =>
          d.source === source
            ? { source, hidden: nextPartStart(messagesRef.current, d.hidden) }
            : d,
        ),
      ),
    )
    return () => clearTimeout(timer)
  }, [hidden, source])
  return hidden === 0 ? messages : messages.slice(hidden)
}
