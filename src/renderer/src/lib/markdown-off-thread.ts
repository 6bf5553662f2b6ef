import { parseMarkdown, type MarkdownBlock } from './markdown-blocks'
import type { ParseAnswer, ParseRequest } from './markdown-worker'

/**
 * A finished text at least this long is parsed off the main thread: its whole parse is one task
 * there (a 20,000-token completion: 100–400 ms, by how much markup it holds), and a view cannot
 * be drawn in parts before it has its blocks.
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

/** A parse on this thread; a text the parser fails on shows no blocks rather than none ever. */
function parseHere(text: string): MarkdownBlock[] {
  try {
    return parseMarkdown(text)
  } catch {
    return []
  }
}

/** No worker (none here, or it failed): every text still waiting is parsed here. */
function fallBack(): void {
  worker?.terminate()
  worker = null
  for (const [id, { text, resolve }] of waiting) {
    waiting.delete(id)
    resolve(parseHere(text))
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
      setTimeout(() => resolve(parseHere(text)))
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
