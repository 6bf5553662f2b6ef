import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { launchBrowser, openApp } from './helpers'

let serve: ServeProcess
let browser: Browser
beforeAll(async () => {
  serve = await startServe({ args: ['--model', 'demo'] })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await serve?.stop()
})

const modelsStatus = async (url: string, key: string) =>
  (await fetch(`${url}/models`, { headers: { authorization: `Bearer ${key}` } })).status

describe('the Server panel turns the API on and off in a real browser', () => {
  it('shows the new key once, which a client can use, and turns the API off again', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-models]')
    const panel = page.locator('[data-testid=server-panel]')
    await expect
      .poll(() => panel.locator('[data-testid=server-state]').textContent())
      .toBe('API off')
    await panel.locator('[data-testid=server-port]').fill('80000')
    await panel.locator('[data-testid=server-toggle]').click()
    expect(await panel.locator('[data-testid=server-error]').textContent()).toMatch(/not a port/)

    await panel.locator('[data-testid=server-port]').fill('0')
    await panel.locator('[data-testid=server-toggle]').click()
    const key = (await panel.locator('[data-testid=api-key]').textContent()) ?? ''
    expect(key).toMatch(/^ts-/)
    expect(await panel.locator('[data-testid=server-error]').count()).toBe(0)
    await expect
      .poll(() => panel.locator('[data-testid=server-state]').textContent())
      .toBe('API on')
    const url = (await panel.locator('[data-testid=server-url]').textContent()) ?? ''
    expect(await modelsStatus(url, key)).toBe(200)

    await panel.locator('[data-testid=api-key-done]').click()
    expect(await panel.locator('[data-testid=api-key-notice]').count()).toBe(0)
    // The request just made shows in the log.
    await panel.locator('[data-testid=server-request]').first().waitFor()

    await panel.locator('[data-testid=server-toggle]').click()
    await expect
      .poll(() => panel.locator('[data-testid=server-state]').textContent())
      .toBe('API off')
    await expect(modelsStatus(url, key)).rejects.toThrow()
    await context.close()
  })
})
