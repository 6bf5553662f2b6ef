import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { demoModelPath } from '../helpers/engine-harness'
import { writeHugeModel } from '../helpers/huge-model'
import {
  generate,
  openApp,
  waitForChips,
  waitForRunState,
  waitForModel,
  useAppUnderTest,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const text = (page: Page, testId: string) => page.locator(`[data-testid=${testId}]`).textContent()

async function openModels(page: Page): Promise<void> {
  await page.click('[data-testid=nav-models]')
  await page.locator('[data-testid=models-view]').waitFor()
}

/**
 * Opens the app as the desktop app would have it: `window.tokenscopeDesktop` reports `path` for
 * any dropped file (the real preload asks Electron where the file is).
 */
async function openDesktopApp(path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  // Runs in the page; typed loosely because the test project has no DOM types.
  await context.addInitScript((dropped: string) => {
    const page = globalThis as unknown as { tokenscopeDesktop?: { pathForFile(): string } }
    page.tokenscopeDesktop = { pathForFile: () => dropped }
  }, path)
  const page = await context.newPage()
  await page.goto(serve.url)
  await waitForModel(page)
  return { context, page }
}

/** Drags a file named `name` over the Models tab and drops it, as a file manager would. */
async function dropFile(page: Page, name: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle((fileName) => {
    interface Transfer {
      items: { add(file: unknown): unknown }
    }
    const page = globalThis as unknown as {
      DataTransfer: new () => Transfer
      File: new (parts: string[], name: string) => unknown
    }
    const transfer = new page.DataTransfer()
    transfer.items.add(new page.File(['x'], fileName))
    return transfer
  }, name)
  const target = '[data-testid=model-card]'
  await page.dispatchEvent(target, 'dragenter', { dataTransfer })
  await page.dispatchEvent(target, 'dragover', { dataTransfer })
  await page.locator('[data-testid=model-drop-overlay]').waitFor()
  await page.dispatchEvent(target, 'drop', { dataTransfer })
  await page.locator('[data-testid=model-drop-overlay]').waitFor({ state: 'detached' })
  await dataTransfer.dispose()
}

/** Waits for the card of the selected model and returns what it shows. */
async function cardValues(page: Page) {
  await page.locator('[data-testid=card-architecture]').waitFor({ timeout: 30_000 })
  return {
    architecture: await text(page, 'card-architecture'),
    vocabulary: await text(page, 'card-vocab'),
    layers: await text(page, 'card-layers'),
    context: await text(page, 'card-context'),
    chatTemplate: await text(page, 'card-chat-template'),
  }
}

const demoCard = {
  architecture: 'llama',
  vocabulary: '2,048',
  layers: '1',
  context: '2,048 tokens',
  chatTemplate: 'Included',
}

/** Waits until the engine has a model from a file (not the built-in demo) named `fileName`. */
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

describe('Models tab in a real browser against `serve`', () => {
  it("shows the demo model's card, where its weights live, its memory fit and the hardware", async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await page.click('[data-testid=open-demo-button]')
    expect(await cardValues(page)).toEqual(demoCard)
    const parts = await page
      .locator('[data-testid=breakdown-item]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-part')))
    expect(parts).toEqual(expect.arrayContaining(['embeddings', 'attention', 'feedForward']))
    await page.locator('[data-testid=memory-fit][data-verdict=ok]').waitFor()
    expect(await text(page, 'fit-explanation')).not.toBe('')
    expect(['CPU', 'CUDA', 'Metal', 'Vulkan']).toContain(await text(page, 'hardware-backend'))
    // The engine runs below the window, and the panel says what that means and how to undo it.
    const priority = page.locator('[data-testid=hardware-priority][data-level=below-normal]')
    expect(await priority.textContent()).toMatch(
      /^Priority below normal.*stays responsive.*TOKENSCOPE_ENGINE_PRIORITY=normal/,
    )
    await context.close()
  })

  it('opens the demo file by path, loads it with a chosen context size, and Completion generates', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await page.fill('[data-testid=model-path-input]', demoModelPath)
    await page.click('[data-testid=open-path-button]')
    await page.locator(`[data-testid=model-card] [title="${demoModelPath}"]`).waitFor()
    expect(await cardValues(page)).toEqual(demoCard)
    await page.fill('[data-testid=context-size-input]', '1024')
    await page.locator('[data-testid=memory-fit]:has-text("1,024 ctx")').waitFor()
    await page.click('[data-testid=load-button]:enabled')
    await waitForFileModel('tokenscope-demo.gguf')
    expect((await watcher.bridge.getStatus()).model?.contextSize).toBe(1024)
    await page.locator('[data-testid=loaded-model]:has-text("1,024-token context")').waitFor()
    // Its threads were timed at load, and the line says how many and why.
    const threads = (await watcher.bridge.getStatus()).model?.threads
    expect(threads?.how).toBe('measured')
    const shown = page.locator('[data-testid=loaded-threads]')
    expect(await shown.textContent()).toContain(
      `${threads?.count} thread${threads?.count === 1 ? '' : 's'}, measured`,
    )
    expect(await shown.getAttribute('title')).toMatch(/the fastest when timed at load/)
    // The file now leads the recent list.
    await page.locator(`[data-testid=recent-model][title="${demoModelPath}"]`).waitFor()

    await page.click('[data-testid=nav-completion]')
    await generate(page, 'The model predicts')
    await waitForRunState(page, 'ended')
    await waitForChips(page, 1)

    // Unload frees the model; nothing loads the demo back behind the user's back.
    await openModels(page)
    await page.click('[data-testid=unload-button]:enabled')
    await page.locator('[data-testid=loaded-model]:has-text("no model")').waitFor()
    expect((await watcher.bridge.getStatus()).model).toBeNull()
    await page.locator('[data-testid=load-button]:enabled').waitFor()
    expect((await watcher.bridge.getStatus()).model).toBeNull()
    await context.close()
  })

  it('lists the models folder with an error badge for a broken file, and reports a missing path', async () => {
    const folder = await watcher.bridge.modelsFolder()
    mkdirSync(folder, { recursive: true })
    copyFileSync(demoModelPath, join(folder, 'copy-of-demo.gguf'))
    writeFileSync(join(folder, 'not-a-model.gguf'), 'this is plain text, not GGUF')
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await page.click('[data-testid=scan-button]:enabled')
    const good = page.locator('[data-testid=scanned-model][data-file="copy-of-demo.gguf"]')
    const bad = page.locator('[data-testid=scanned-model][data-file="not-a-model.gguf"]')
    await good.waitFor()
    await bad.locator('[data-testid=scanned-error-badge]').waitFor()
    expect(await good.textContent()).toContain('llama')
    expect(await bad.getAttribute('data-error')).toBe('model-invalid')
    await good.click()
    expect(await cardValues(page)).toEqual(demoCard)

    await page.fill('[data-testid=model-path-input]', join(folder, 'no-such-model.gguf'))
    await page.click('[data-testid=open-path-button]')
    const error = page.locator('[data-testid=inspect-error]')
    await error.waitFor()
    expect(await error.getAttribute('data-code')).toBe('model-not-found')
    await context.close()
  })

  it('marks a model too large for the machine red and explains the refusal of its load', async () => {
    const path = writeHugeModel(mkdtempSync(join(tmpdir(), 'tokenscope-huge-ui-')))
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await page.fill('[data-testid=model-path-input]', path)
    await page.click('[data-testid=open-path-button]')
    await page.locator('[data-testid=memory-fit][data-verdict=over]').waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-testid=fit-ram]').getAttribute('data-level')).toBe('over')
    expect(await text(page, 'fit-explanation')).toMatch(/RAM/)
    const before = (await watcher.bridge.getStatus()).model
    await page.click('[data-testid=load-button]:enabled')
    const refusal = page.locator('[data-testid=too-large]')
    await refusal.waitFor()
    expect(await refusal.getAttribute('data-code')).toBe('model-too-large')
    expect(await refusal.textContent()).toMatch(/load anyway/i)
    await refusal.locator('[data-testid=load-anyway-button]').waitFor()
    // Nothing was loaded in its place.
    expect((await watcher.bridge.getStatus()).model).toEqual(before)
    await page.click('[data-testid=load-refusal-dismiss]')
    await refusal.waitFor({ state: 'detached' })
    await context.close()
  })

  it('explains in browser mode that a dropped model cannot be located, and refuses other files', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openModels(page)
    await page.locator('[data-testid=card-architecture]').waitFor({ timeout: 30_000 })
    // Browsers have no file dialog: no Browse button.
    expect(await page.locator('[data-testid=browse-model-button]').count()).toBe(0)

    await dropFile(page, 'model.gguf')
    const notice = page.locator('[data-testid=open-notice]')
    await page.locator('[data-testid=open-notice][data-kind=browser]').waitFor()
    expect(await text(page, 'open-notice-message')).toMatch(
      /browser does not tell this page where/i,
    )
    expect(await notice.textContent()).toContain('model.gguf')
    expect(await notice.textContent()).toMatch(/paste its full path/i)
    // The user is taken to the path field; the demo card stays as it was.
    await page.locator('[data-testid=model-path-input]:focus').waitFor()
    expect(await text(page, 'card-architecture')).toBe('llama')

    await dropFile(page, 'notes.txt')
    await page.locator('[data-testid=open-notice][data-kind=not-gguf]').waitFor()
    expect(await text(page, 'open-notice-message')).toBe('“notes.txt” is not a GGUF model.')
    await page.click('[data-testid=open-notice-dismiss]')
    await notice.waitFor({ state: 'detached' })
    await context.close()
  })

  it('opens a model dropped in the desktop app by its path, and reports a failing file dialog', async () => {
    const { context, page } = await openDesktopApp(demoModelPath)
    await openModels(page)
    await page.locator('[data-testid=card-architecture]').waitFor({ timeout: 30_000 })

    // The host behind this page is `serve`, whose pickModelFile refuses: the refusal is shown.
    await page.click('[data-testid=browse-model-button]:enabled')
    await page.locator('[data-testid=open-notice][data-kind=dialog]').waitFor()
    expect(await text(page, 'open-notice-message')).toBe(
      'A file dialog is available in the desktop app only.',
    )

    await dropFile(page, 'tokenscope-demo.gguf')
    await page.locator(`[data-testid=model-card] [title="${demoModelPath}"]`).waitFor()
    expect(await cardValues(page)).toEqual(demoCard)
    expect(await page.inputValue('[data-testid=model-path-input]')).toBe(demoModelPath)
    // Opening a model clears the earlier notice.
    expect(await page.locator('[data-testid=open-notice]').count()).toBe(0)
    await context.close()
  })
})
