import type { Browser } from 'playwright-core'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { launchBrowser, openApp } from './helpers'

let serve: ServeProcess
let browser: Browser
beforeAll(async () => {
  serve = await startServe({ args: ['--api', '--api-port', '0', '--model', 'demo'] })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await serve?.stop()
})

describe('the Server panel in a real browser against `serve --api`', () => {
  it('shows the API on, its address and its requests with their tokens', async () => {
    const client = new OpenAI({ baseURL: serve.api?.url, apiKey: serve.api?.key, maxRetries: 0 })
    await client.completions.create({ model: 'm', prompt: 'A token is', max_tokens: 6, seed: 2 })

    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-models]')
    const panel = page.locator('[data-testid=server-panel]')
    await panel.waitFor()
    await expect
      .poll(() => panel.locator('[data-testid=server-state]').textContent())
      .toBe('API on')
    expect(await panel.locator('[data-testid=server-url]').textContent()).toBe(serve.api?.url)
    const row = panel.locator('[data-testid=server-request]').first()
    await row.waitFor()
    expect(await row.textContent()).toMatch(/200 completion\d+ \+ 6\d+\.\d/)
    await context.close()
  })
})
