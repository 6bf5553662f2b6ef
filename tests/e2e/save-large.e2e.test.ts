import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { SessionDocument } from '../../src/shared/sessions'
import { setSettings, useAppUnderTest, waitForModel, type ServeProcess } from './helpers'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const tokens = 2000
const alternatives = 20

/** The app set for greedy runs of `tokens` tokens, with `alternatives` alternatives a token. */
async function openWithTopN(
  size = { tokens, alternatives },
  /** Runs before the app is opened, e.g. to route its WebSocket. */
  prepare: (page: Page) => Promise<void> = async () => undefined,
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(
    `if (!localStorage.getItem('tokenscope.inspector')) localStorage.setItem('tokenscope.inspector', '{"topN":${size.alternatives}}')`,
  )
  const page = await context.newPage()
  await prepare(page)
  await page.goto(serve.url)
  await waitForModel(page)
  await setSettings(page, { 'max-tokens': size.tokens, temperature: 0 })
  return page
}

/** Generates the page's first run and waits until it has ended on screen. */
async function longRun(page: Page, prompt: string): Promise<void> {
  await page.fill('[data-testid=prompt-input]', prompt)
  await page.locator('[data-testid=generate-button]:enabled').click()
  // A short run can end before a frame ever shows it running: its first token is the sign.
  await page.locator('[data-testid=token-chip]').first().waitFor({ timeout: 30_000 })
  await page.locator('[data-testid=run-state][data-stop-reason]').waitFor({ timeout: 120_000 })
}

/** The saved Completion session whose prompt is `prompt`, once its run has `count` tokens. */
async function savedRun(
  prompt: string,
  count = tokens,
): Promise<{ doc: SessionDocument; bytes: number }> {
  const directory = join(serve.dataDirectory, 'sessions')
  const deadline = Date.now() + 45_000
  for (;;) {
    for (const name of readdirSync(directory).filter((n) => n.endsWith('.json'))) {
      const file = join(directory, name)
      const doc = JSON.parse(readFileSync(file, 'utf8')) as SessionDocument
      const run = doc.nodes.find((n) => n.run)?.run
      if (doc.nodes.some((n) => n.text === prompt) && run?.tokens.length === count) {
        return { doc, bytes: statSync(file).size }
      }
    }
    if (Date.now() > deadline) throw new Error(`no saved run of ${count} tokens for "${prompt}"`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('saving a long run', () => {
  it('saves 2,000 tokens with 20 alternatives each (over 4 MB) and opens them again', async () => {
    const page = await openWithTopN()
    await longRun(page, 'A token is')
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 60_000 })
    const { doc, bytes } = await savedRun('A token is')
    // Larger than one message the serve host accepts: it went in pieces.
    expect(bytes).toBeGreaterThan(4 * 1024 * 1024)
    const run = doc.nodes.find((n) => n.run)?.run
    expect(run?.tokens.every((t) => t.alternatives.length === alternatives)).toBe(true)

    await page.reload()
    await waitForModel(page)
    await page
      .locator(`[data-testid=token-chip][data-index="${tokens - 1}"]`)
      .waitFor({ state: 'attached', timeout: 60_000 })
    // Reopened, nothing left to save and nothing failed.
    await expect
      .poll(() => page.locator('[data-testid=save-state]').getAttribute('data-state'))
      .toBe('saved')
    await page.context().close()
  })

  it('saves a run when the page is left right after it ends', async () => {
    // Small enough to go out whole while the page unloads, whether the save had begun or not.
    const page = await openWithTopN({ tokens: 50, alternatives: 5 })
    await longRun(page, 'The model')
    // No waiting for the save: leaving now interrupts it, or comes before it.
    await page.reload()
    const { doc } = await savedRun('The model', 50)
    expect(doc.nodes.find((n) => n.run)?.run?.stopReason).toBe('max-tokens')
    await page.context().close()
  })

  it('keeps a run of megabytes when the page is left before its save got out', async () => {
    // The page's first connection never delivers a save, as when the page unloads while the
    // pieces are still going out: only the copy kept in local storage can bring the run back.
    let connections = 0
    const page = await openWithTopN(undefined, (p) =>
      p.routeWebSocket(/./, (socket) => {
        const first = ++connections === 1
        const server = socket.connectToServer()
        socket.onMessage((message) => {
          if (first && typeof message === 'string' && message.includes('saveSessionText')) return
          server.send(message)
        })
      }),
    )
    await longRun(page, 'A sampler')
    await page.reload()
    await waitForModel(page)
    const { doc, bytes } = await savedRun('A sampler', tokens)
    expect(connections).toBe(2)
    expect(bytes).toBeGreaterThan(4 * 1024 * 1024)
    expect(doc.nodes.find((n) => n.run)?.run?.stopReason).toBe('max-tokens')
    await page.context().close()
  })
})
