import type { PromptParts } from '../../../../shared/contract'

export type GaugeLevel = 'ok' | 'warn' | 'critical'

/** The context of one reply, split the way the chat gauge shows it. */
export interface ChatGaugeNumbers {
  size: number
  system: number
  /** Earlier turns, the new message and the template's markup. */
  history: number
  reply: number
  /** What the (next) reply may still use: max tokens, capped by the room left. */
  reserve: number
  used: number
  free: number
  level: GaugeLevel
  dropped: number
}

export const warnAt = 0.8
export const criticalAt = 0.95

export function chatGauge(input: {
  size: number
  parts: PromptParts | null
  /** Prompt tokens of the reply, used when the engine's split is not known (a reloaded session). */
  promptCount: number
  replyTokens: number
  maxTokens: number
  generating: boolean
}): ChatGaugeNumbers {
  const { size, parts, replyTokens, maxTokens } = input
  const system = parts?.system ?? 0
  const history = parts ? parts.history : input.promptCount
  const used = system + history + replyTokens
  const room = Math.max(0, size - used)
  const wanted = Math.max(0, input.generating ? maxTokens - replyTokens : maxTokens)
  const reserve = Math.min(wanted, room)
  const fraction = size > 0 ? used / size : 0
  return {
    size,
    system,
    history,
    reply: replyTokens,
    reserve,
    used,
    free: room - reserve,
    level: fraction >= criticalAt ? 'critical' : fraction >= warnAt ? 'warn' : 'ok',
    dropped: parts?.droppedMessages ?? 0,
  }
}

/** The notice shown when the conversation no longer fits: never drop turns silently. */
export function droppedNotice(dropped: number): string | null {
  if (dropped <= 0) return null
  const what =
    dropped === 1
      ? 'The oldest message no longer fits in the context and was left out of this reply.'
      : `The ${dropped} oldest messages no longer fit in the context and were left out of this reply.`
  return `${what} The system prompt and the newest message are always kept.`
}

export function gaugeWarning(level: GaugeLevel): string | null {
  if (level === 'critical')
    return 'The context is 95% full: the next reply will drop the oldest turns or stop early.'
  if (level === 'warn')
    return 'The context is 80% full: soon the oldest turns will be left out to make room.'
  return null
}
