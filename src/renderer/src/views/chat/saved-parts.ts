import type { PromptParts, TokenText } from '../../../../shared/contract'
import { endMarker } from '../../../../shared/conversation'
import type { SessionDocument, SessionNode } from '../../../../shared/sessions'
import { chatMessagesBefore } from '../../sessions/conversation'

/**
 * The engine reports how a reply's prompt divides up only while it runs (`started`), and the
 * session does not keep it. A reopened chat gets the same numbers back from what it does keep:
 * the run's prompt tokens, the system prompt and the messages before the reply. Where the system
 * text cannot be found in the prompt (it was changed after the reply) it counts as history.
 */

/** Each token's end offset in the prompt's text. */
function tokenEnds(prompt: readonly TokenText[]): number[] {
  let at = 0
  return prompt.map((t) => (at += t.text.length))
}

/** The index of the token that holds character `offset` of the joined text. */
function tokenAt(ends: readonly number[], offset: number): number {
  const index = ends.findIndex((end) => end > offset)
  return index < 0 ? ends.length - 1 : index
}

const closing = (text: string) => endMarker.test(text.trim()) || text.trim() === ''

/** Whether every text occurs in `text`, in order, from `from` on. */
function inOrder(text: string, parts: readonly string[], from: number): boolean {
  let at = from
  for (const part of parts) {
    const found = text.indexOf(part, at)
    if (found < 0) return false
    at = found + part.length
  }
  return true
}

export function partsFromSavedRun(doc: SessionDocument, reply: SessionNode): PromptParts | null {
  const prompt = reply.run?.prompt
  if (!prompt || prompt.length === 0) return null
  const text = prompt.map((t) => t.text).join('')
  const ends = tokenEnds(prompt)
  const messages = chatMessagesBefore(doc, reply.id).map((m) => m.content.trim())

  let system = 0
  let afterSystem = 0
  const systemText = doc.system.trim()
  const systemAt = systemText ? text.indexOf(systemText) : -1
  if (systemAt >= 0) {
    afterSystem = systemAt + systemText.length
    const opened = tokenAt(ends, systemAt)
    let last = tokenAt(ends, afterSystem - 1)
    // The template's end-of-turn marker (and the line break after it) closes the system turn; a
    // marker the system header used too (`<|im_start|>`) opens the next turn instead.
    const headerMarks = new Set(
      prompt
        .slice(0, opened)
        .map((t) => t.text)
        .filter((t) => endMarker.test(t.trim())),
    )
    const closes = (t: TokenText | undefined) => !!t && closing(t.text) && !headerMarks.has(t.text)
    while (closes(prompt[last + 1])) last++
    // Tokens before the system turn's header are the BOS, which an empty chat has too: the
    // header starts with the token that starts the turn after it (`<|im_start|>`, say).
    const opener = prompt[last + 1]?.text
    const headerAt = opener === undefined ? 0 : prompt.findIndex((t) => t.text === opener)
    system = last + 1 - (headerAt >= 0 && headerAt < opened ? headerAt : 0)
  }

  // The engine leaves out the oldest messages when the conversation does not fit.
  let dropped = 0
  while (dropped < messages.length - 1 && !inOrder(text, messages.slice(dropped), afterSystem))
    dropped++

  return {
    system,
    history: prompt.length - system,
    droppedMessages: dropped,
    template: null,
  }
}

/** Every reply's prompt split, for a chat opened from its saved session. */
export function savedParts(doc: SessionDocument): Record<string, PromptParts> {
  const parts: Record<string, PromptParts> = {}
  for (const node of doc.nodes) {
    if (node.role !== 'assistant') continue
    const found = partsFromSavedRun(doc, node)
    if (found) parts[node.id] = found
  }
  return parts
}
