/**
 * The main thread while a long chat reply streams, shown as Markdown and as chips, stream by
 * stream (row 4e of `npm run bench` reports the Markdown streams' median).
 * Run after a build: `npx tsx scripts/bench/markdown-stream.ts [runs]`.
 */
import { openChatBench, streamChatReply } from './chat-stream'

const runs = Number(process.argv[2] ?? 2)

const { page, close } = await openChatBench(2000)
try {
  for (let run = 0; run < runs; run++) {
    for (const view of ['markdown', 'tokens'] as const) {
      console.log(view, JSON.stringify(await streamChatReply(page, view)))
    }
  }
} finally {
  await close()
}
