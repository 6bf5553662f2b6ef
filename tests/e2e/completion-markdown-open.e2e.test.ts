import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openApp, type ServeProcess, useAppUnderTest } from './helpers'
import { longMarkdownCompletion } from './markdown-session'
import { settledFramesAfterClick } from './settled-frames'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const text = '[data-testid=output-text]'
const spans = `${text} [data-index]`

describe('a long saved completion shown as Markdown', () => {
  it('is parsed by a worker, opens at its end, draws the earlier blocks above it, and keeps the end in view', async () => {
    const repeats = 80
    const doc = longMarkdownCompletion('long-completion', repeats)
    const last = (doc.nodes[1]?.run?.tokens.length ?? 0) - 1
    mkdirSync(join(serve.dataDirectory, 'sessions'), { recursive: true })
    writeFileSync(join(serve.dataDirectory, 'sessions', `${doc.id}.json`), JSON.stringify(doc))
    const { context, page } = await openApp(browser, serve.url)
    await page.evaluate(`localStorage.setItem('tokenscope.inspector', '{"outputView":"markdown"}')`)
    await page.reload()
    const row = `[data-testid=session-row][data-session-id="${doc.id}"] [data-testid=session-open]`
    await page.locator(row).waitFor()
    const workers: string[] = []
    const closed: string[] = []
    page.on('worker', (worker) => {
      workers.push(worker.url())
      worker.on('close', () => closed.push(worker.url()))
    })
    const frames = await settledFramesAfterClick(page, {
      click: row,
      count: spans,
      end: `${text} [data-index="${last}"]`,
      box: '[data-testid=output-markdown]',
      edge: 'whole',
      done: `${text} [data-index="0"]`,
    })
    const drawn = await page.locator(spans).count()
    expect(last).toBeGreaterThan(8000)
    // One worker parsed it, and it lives on (a worker that fails is closed, and the page parses).
    expect(workers.filter((url) => url.includes('markdown-worker'))).toHaveLength(1)
    expect(closed).toEqual([])
    expect(frames[0]?.count).toBeLessThan(drawn / 2)
    expect(frames.at(-1)?.count).toBe(drawn)
    expect(frames.filter((f) => !f.endInView)).toEqual([])
    // Drawn in parts, it is still the whole text, in order.
    const indices = await page
      .locator(spans)
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-index')))
    expect(indices[0]).toBe('0')
    expect(indices.at(-1)).toBe(String(last))
    const output = page.locator(text)
    expect(await output.locator('h2').count()).toBe(repeats)
    expect(await output.locator('[data-testid=code-block]').count()).toBe(repeats)
    expect(await output.locator('[data-testid=markdown-pending]').count()).toBe(0)
    await context.close()
  })
})
