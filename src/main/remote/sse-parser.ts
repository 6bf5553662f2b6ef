/**
 * Server-sent events as OpenAI-compatible servers stream them: `data:` lines, events separated
 * by a blank line, `[DONE]` at the end. Text arrives in arbitrary pieces (a line, or even a UTF-8
 * character, may be split between two reads), so the parser keeps what has no end yet.
 */
export interface SseParser {
  /** Feeds the next piece of the body; returns the data of each event it completed. */
  push(text: string): string[]
  /** The data of an event the body ended in the middle of (no blank line after it); else null. */
  end(): string | null
}

/** Longest event kept while waiting for its end: a server that never sends one cannot fill memory. */
export const maxEventChars = 4 * 1024 * 1024

export function createSseParser(): SseParser {
  let pending = ''
  let data: string[] = []

  function line(text: string, events: string[]) {
    if (text === '') {
      if (data.length > 0) events.push(data.join('\n'))
      data = []
      return
    }
    // Comments (": keep-alive") and fields other than data (event, id, retry) carry no tokens.
    if (text.startsWith(':')) return
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    if (field !== 'data') return
    const value = colon < 0 ? '' : text.slice(colon + 1)
    data.push(value.startsWith(' ') ? value.slice(1) : value)
  }

  return {
    push(text) {
      pending += text
      const events: string[] = []
      let start = 0
      for (;;) {
        const newline = pending.slice(start).search(/\r\n|\r|\n/)
        if (newline < 0) break
        const at = start + newline
        // A lone \r at the very end may be the first half of \r\n: wait for the next piece.
        if (pending[at] === '\r' && at === pending.length - 1) break
        line(pending.slice(start, at), events)
        start = at + (pending.startsWith('\r\n', at) ? 2 : 1)
      }
      pending = pending.slice(start)
      if (pending.length + data.reduce((n, d) => n + d.length, 0) > maxEventChars) {
        throw new Error(`the server sent an event longer than ${maxEventChars} characters`)
      }
      return events
    },
    end() {
      if (pending !== '') line(pending, [])
      pending = ''
      const last = data.length > 0 ? data.join('\n') : null
      data = []
      return last
    },
  }
}
