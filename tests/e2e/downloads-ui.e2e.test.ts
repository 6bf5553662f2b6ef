import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { startModelServer } from '../helpers/model-server'
import { writeSplitDemoModel } from '../helpers/split-model'
import { launchBrowser, openApp, startServe, watchEngine, type ServeProcess } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: Awaited<ReturnType<typeof watchEngine>>
let server: Awaited<ReturnType<typeof startModelServer>>

beforeAll(async () => {
  ;[serve, server] = await Promise.all([startServe(), startModelServer()])
  browser = await launchBrowser()
  watcher = await watchEngine(serve)
})

afterAll(async () => {
  watcher?.close()
  await browser?.close()
  await Promise.all([serve?.stop(), server?.close()])
})

async function openModels(page: Page): Promise<void> {
  await page.click('[data-testid=nav-models]')
  await page.locator('[data-testid=models-view]').waitFor()
}

/** Types an address into the Download field and confirms the local test server when asked. */
async function downloadLocal(page: Page, url: string, fileName: string): Promise<void> {
  await page.fill('[data-testid=download-url-input]', url)
  await page.click('[data-testid=download-button]')
  // The test server is on 127.0.0.1, which the app does not download from without asking.
  const asking = page.locator('[data-testid=download-row][data-state=failed]', {
    hasText: fileName,
  })
  await asking
    .locator('[data-testid=download-local-warning]', { hasText: /on this computer/ })
    .waitFor()
  expect(server.hits.get(fileName)).toBeUndefined()
  await asking.locator('[data-testid=download-confirm]').click()
}

async function waitForFileModel(fileName: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const { model, state } = await watcher.bridge.getStatus()
        return state === 'ready' && model !== null && !model.isDemo ? model.fileName : null
      },
      { timeout: 60_000 },
    )
    .toBe(fileName)
}

describe('downloads in the Models tab', () => {
  it('an interrupted download is retried, then the model is listed and loads', async () => {
    const url = server.serve('retried-demo.gguf', 'drop-halfway-once')
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await downloadLocal(page, url, 'retried-demo.gguf')

    const failed = page.locator('[data-testid=download-row][data-state=failed]', {
      hasText: 'retried-demo.gguf',
    })
    await failed
      .locator('[data-testid=download-error]', { hasText: /connection to 127\.0\.0\.1 was lost/ })
      .waitFor()
    expect(await failed.textContent()).not.toMatch(/ECONN|errno|Error|fetch failed|\bat \S+ \(/)
    const listed = page.locator('[data-testid=scanned-model][data-file="retried-demo.gguf"]')
    expect(await listed.count()).toBe(0)

    await failed.locator('[data-testid=download-retry]').click()
    const done = page.locator('[data-testid=download-row][data-state=done][data-percent="100"]', {
      hasText: 'retried-demo.gguf',
    })
    await done.waitFor({ timeout: 60_000 })
    expect(server.ranges.at(-1)).toMatch(/^bytes=\d+-$/)
    // The finished file joins the folder list, and loads from its row.
    await listed.waitFor()
    await done.locator('[data-testid=download-load]').click()
    await waitForFileModel('retried-demo.gguf')
    await done.locator('[data-testid=download-remove]').click()
    await done.waitFor({ state: 'detached' })
    await context.close()
  })

  it('shows bytes and speed while running; Cancel stops, Resume continues', async () => {
    const url = server.serve('slow-demo.gguf', 'slow')
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await downloadLocal(page, url, 'slow-demo.gguf')
    const row = page.locator('[data-testid=download-row]', { hasText: 'slow-demo.gguf' })
    await row.locator('[data-testid=download-progress]').waitFor()
    await row.locator('[data-testid=download-bytes]', { hasText: / of 2\.\d MB$/ }).waitFor()
    await row.locator('[data-testid=download-speed]', { hasText: /\/s$/ }).waitFor()
    await row.locator('[data-testid=download-cancel]').click()
    await row
      .locator('[data-testid=download-stopped]', { hasText: /on disk\. Resume continues/ })
      .waitFor()
    await row.locator('[data-testid=download-resume]').click()
    await page
      .locator('[data-testid=download-row][data-state=done]', { hasText: 'slow-demo.gguf' })
      .waitFor({ timeout: 60_000 })
    await context.close()
  })

  it('a split model downloads as one row that every open tab follows, and Clear clears it everywhere', async () => {
    const split = writeSplitDemoModel()
    server.serve('tabs-00001-of-00002.gguf', 'slow', readFileSync(split.first))
    const url = server.serve('tabs-00002-of-00002.gguf', 'slow', readFileSync(split.second))
    const one = await openApp(browser, serve.url)
    const two = await openApp(browser, serve.url)
    await Promise.all([openModels(one.page), openModels(two.page)])
    await downloadLocal(one.page, url, 'tabs-00001-of-00002.gguf')
    const rowIn = (page: Page) =>
      page.locator('[data-testid=download-row]', { hasText: 'tabs-00001-of-00002.gguf' })
    // The other tab shows the same single row, with both parts' progress, without reloading.
    await rowIn(two.page).locator('[data-testid=download-parts]', { hasText: '2 parts' }).waitFor()
    await rowIn(two.page).locator('[data-testid=download-progress]').waitFor()
    expect(await two.page.locator('[data-testid=download-row]', { hasText: 'tabs-' }).count()).toBe(
      1,
    )
    const done = (page: Page) =>
      page.locator('[data-testid=download-row][data-state=done][data-percent="100"]', {
        hasText: 'tabs-00001-of-00002.gguf',
      })
    await done(two.page).waitFor({ timeout: 60_000 })
    // Listed once, by its first part, in both tabs; it loads as one model.
    for (const page of [one.page, two.page]) {
      await page
        .locator('[data-testid=scanned-model][data-file="tabs-00001-of-00002.gguf"]')
        .waitFor()
      expect(
        await page.locator('[data-testid=scanned-model][data-file^="tabs-00002"]').count(),
      ).toBe(0)
    }
    await done(two.page).locator('[data-testid=download-load]').click()
    await waitForFileModel('tabs-00001-of-00002.gguf')
    await done(one.page).locator('[data-testid=download-remove]').click()
    await rowIn(two.page).waitFor({ state: 'detached' })
    await rowIn(one.page).waitFor({ state: 'detached' })
    await Promise.all([one.context.close(), two.context.close()])
  })
})
