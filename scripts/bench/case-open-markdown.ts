/**
 * Rows 4k–4l: opening a long saved completion (the Markdown reply of the e2e tests over and over:
 * headings, code, lists, tables) from the sidebar in Completion's Markdown view: the click until
 * its last token is on screen, and the longest main-thread task until every block is drawn.
 */
import { longMarkdownCompletion } from '../../tests/e2e/markdown-session'
import { openRows, openSamples } from './case-open-chat'
import type { BenchRow } from './stats'

/** About 20,000 tokens, as the long session of rows 4f–4h. */
const repeats = 180
const sessionId = 'bench-long-markdown'

export async function openMarkdownCase(options: {
  runs: number
  log: (line: string) => void
}): Promise<BenchRow[]> {
  const doc = longMarkdownCompletion(sessionId, repeats)
  const tokens = doc.nodes[1]?.run?.tokens.length ?? 0
  options.log(`case 4k: ${options.runs} × opening a ${tokens}-token completion as Markdown`)
  const output = '[data-testid=output-text]'
  const samples = await openSamples(
    doc,
    {
      initScript: `localStorage.setItem('tokenscope.inspector', '{"outputView":"markdown"}')`,
      end: `${output} [data-index="${tokens - 1}"]`,
      done: `${output} [data-index="0"]`,
    },
    options,
  )
  const what = `a ${tokens.toLocaleString('en')}-token completion of Markdown in the Markdown view (click → its end on screen)`
  return openRows(['4k', '4l'], what, samples)
}
