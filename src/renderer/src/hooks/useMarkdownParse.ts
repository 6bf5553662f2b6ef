import { useEffect, useReducer } from 'react'
import type { ParsedMarkdown } from '../lib/markdown-blocks'
import { offThreadLength, parseOffThread } from '../lib/markdown-off-thread'
import { interimParse, keepWholeParse, parseFor, wholeParseOf } from '../lib/markdown-parse'

/**
 * The parse of a reply's text to draw now. While the text streams, each batch parses only what
 * changed (`parseFor`). A finished text of `offThreadLength` or more is parsed whole by a worker;
 * until that parse comes (`pending`), the view draws what it streamed, or nothing for a text
 * opened whole.
 */
export function useMarkdownParse(
  key: string,
  text: string,
  running: boolean,
  lineStarts: readonly number[],
): { parsed: ParsedMarkdown; pending: boolean } {
  const offThread = !running && text.length >= offThreadLength
  const whole = offThread ? wholeParseOf(key, text) : undefined
  const [, arrived] = useReducer((count: number) => count + 1, 0)
  useEffect(() => {
    if (!offThread || whole) return
    let shown = true
    void parseOffThread(text).then((blocks) => {
      keepWholeParse(key, text, blocks)
      if (shown) arrived()
    })
    return () => {
      shown = false
    }
  }, [offThread, whole, key, text])
  if (!offThread) return { parsed: parseFor(key, text, running, lineStarts), pending: false }
  return whole
    ? { parsed: whole, pending: false }
    : { parsed: interimParse(key, text, lineStarts), pending: true }
}
