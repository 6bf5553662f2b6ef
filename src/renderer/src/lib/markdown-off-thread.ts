import { parseMarkdown, type MarkdownBlock } from './markdown-blocks'
import type { ParseAnswer, ParseRequest } from './markdown-worker'

/**
 * A finished text at least this long is parsed off the main thread: the whole parse costs about
 * 1.3 ms per 1,000 characters there (a 20,000-token completion: 100–140 ms in one task), and a
 * view cannot be drawn in parts before it has its blocks.
 */
export const offThreadLength = 16_000

interface Waiting {
  text: string
  resolve: (blocks: MarkdownBlock[]) => void
}

let worker: Worker | null | undefined
const waiting = new Map<number, Waiting>()
/** One parse per text, however many views ask for it while it is made. */
const inFlight = new Map<string, Promise<MarkdownBlock[]>>()
let nextId = 0

/** No worker (none here, or it failed to load): every text still waiting is parsed here. */
function fallBack(): void {
  worker?.terminate()
  worker = null
  for (const [id, { text, resolve }] of waiting) {
    waiting.delete(id)
    resolve(parseMarkdown(text))
  }
}

function started(): Worker | null {
  if (worker !== undefined) return worker
  try {
    worker = new Worker(new URL('./markdown-worker.ts', import.meta.url), { type: 'module' })
    worker.addEventListener('message', (event: MessageEvent<ParseAnswer>) => {
      const request = waiting.get(event.data.id)
      waiting.delete(event.data.id)
      request?.resolve(event.data.blocks)
    })
    worker.addEventListener('error', fallBack)
  } catch {
    worker = null
  }
  return worker
}

/** The blocks of `text` as `parseMarkdown` makes them, parsed by a worker where there is one. */
export function parseOffThread(text: string): Promise<MarkdownBlock[]> {
  const known = inFlight.get(text)
  if (known) return known
  const parsed = new Promise<MarkdownBlock[]>((resolve) => {
    const parser = started()
    if (!parser) {
      setTimeout(() => resolve(parseMarkdown(text)))
      return
    }
    const id = nextId++
    waiting.set(id, { text, resolve })
    parser.postMessage({ id, text } satisfies ParseRequest)
  })
  inFlight.set(text, parsed)
  void parsed.then(() => inFlight.delete(text))
  return parsed
}
