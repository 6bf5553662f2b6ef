import { completionEntries, readEntry, type LogprobEntry } from './logprob-tokens'

/** What one streamed event of a chat or completion stream says. */
export interface StreamChunk {
  /** The tokens it reports, in order, reasoning marked. */
  entries: { entry: LogprobEntry; thought: boolean }[]
  /** Whether it carried text (content or reasoning) at all: text without entries means no logprobs. */
  hasText: boolean
  /** `finish_reason` when this chunk ends the choice. */
  finish: string | null
  promptTokens: number | null
  /** An error object the server sent inside the stream. */
  error: string | null
  /** Not an event this reader understands (not JSON, or not an object). */
  unreadable: boolean
}

const empty: StreamChunk = {
  entries: [],
  hasText: false,
  finish: null,
  promptTokens: null,
  error: null,
  unreadable: false,
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function chatEntries(list: unknown, thought: boolean): StreamChunk['entries'] | null {
  if (!Array.isArray(list)) return []
  const entries: StreamChunk['entries'] = []
  for (const item of list) {
    const entry = readEntry(item)
    if (!entry) return null
    entries.push({ entry, thought })
  }
  return entries
}

/** Reads the data of one event; only the first choice is read (a run asks for one). */
export function readStreamChunk(data: string, kind: 'chat' | 'completion'): StreamChunk {
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    return { ...empty, unreadable: true }
  }
  if (!isRecord(parsed)) return { ...empty, unreadable: true }
  if (parsed.error !== undefined) {
    const error = parsed.error
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : null
    return { ...empty, error: (message ?? JSON.stringify(error) ?? 'unknown error').slice(0, 500) }
  }
  const usage = isRecord(parsed.usage) ? parsed.usage.prompt_tokens : undefined
  const promptTokens = Number.isInteger(usage) && (usage as number) >= 0 ? (usage as number) : null
  const choice = Array.isArray(parsed.choices) ? parsed.choices[0] : undefined
  if (!isRecord(choice)) return { ...empty, promptTokens }
  const finish = typeof choice.finish_reason === 'string' ? choice.finish_reason : null
  const logprobs = isRecord(choice.logprobs) ? choice.logprobs : null
  if (kind === 'completion') {
    const text = typeof choice.text === 'string' ? choice.text : ''
    // OpenAI's completion format has parallel lists; llama-server sends the chat format here too.
    const entries = !logprobs
      ? []
      : Array.isArray(logprobs.content)
        ? chatEntries(logprobs.content, false)
        : completionEntries(logprobs)?.map((entry) => ({ entry, thought: false }))
    if (!entries) return { ...empty, unreadable: true }
    return { ...empty, entries, hasText: text !== '', finish, promptTokens }
  }
  const delta = isRecord(choice.delta) ? choice.delta : {}
  const said = (text: unknown) => typeof text === 'string' && text !== ''
  const hasText = said(delta.content) || said(delta.reasoning_content)
  // llama-server streams a thought's tokens under `logprobs.content`, with the text itself in
  // `delta.reasoning_content`: the delta says which part they belong to.
  const thinking =
    said(delta.reasoning_content) && !said(delta.content) && !logprobs?.reasoning_content
  const thought = chatEntries(logprobs?.reasoning_content, true)
  const answer = chatEntries(logprobs?.content, thinking)
  if (thought === null || answer === null) return { ...empty, unreadable: true }
  return { ...empty, entries: [...thought, ...answer], hasText, finish, promptTokens }
}
