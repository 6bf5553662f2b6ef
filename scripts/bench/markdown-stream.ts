/**
 * The main thread while a long chat reply streams, shown as Markdown and as chips, stream by
 * stream (row 4e of `npm run bench` reports the Markdown streams' median).
 * Run after a build: `npx tsx scripts/bench/markdown-stream.ts [runs]`.
 */
import { chromium } from 'playwright-core'
import { prepareChat, streamChatReply } from './chat-stream'
import { spawnServe } from './processes'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const runs = Number(process.argv[2] ?? 2)

const serve = await spawnServe(() => undefined)
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  const page = await context.newPage()
  await page.goto(serve.url.href)
  await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout: 90_000 })
  await prepareChat(page, 2000)
  for (let run = 0; run < runs; run++) {
    for (const view of ['markdown', 'tokens'] as const) {
      console.log(view, JSON.stringify(await streamChatReply(page, view)))
    }
  }
} finally {
  await browser.close()
  await serve.close()
}
