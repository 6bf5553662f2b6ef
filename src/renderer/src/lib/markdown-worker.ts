import { parseMarkdown, type MarkdownBlock } from './markdown-blocks'

/** A dedicated worker's scope, as far as it is used here (the page's DOM types have no such scope). */
const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<ParseRequest>) => void): void
  postMessage(message: ParseAnswer): void
}

export interface ParseRequest {
  id: number
  text: string
}

export interface ParseAnswer {
  id: number
  blocks: MarkdownBlock[]
}

// Parses finished texts for the page, off its main thread (see `markdown-off-thread`).
scope.addEventListener('message', (event) => {
  scope.postMessage({ id: event.data.id, blocks: parseMarkdown(event.data.text) })
})
