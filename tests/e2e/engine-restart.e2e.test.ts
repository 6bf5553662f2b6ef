import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { demoModelPath } from '../helpers/engine-harness'
import { useAppUnderTest, type EngineWatcher, type ServeProcess } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
const dataDirectory = mkdtempSync(join(tmpdir(), 'tokenscope-restart-'))
const model = join(dataDirectory, 'models', 'mine.gguf')
mkdirSync(join(dataDirectory, 'models'))
copyFileSync(demoModelPath, model)
useAppUnderTest((app) => ({ serve, browser, watcher } = app), { dataDirectory })

/** The model the engine has loaded and is ready with; null while it restarts or loads. */
const ready = () =>
  watcher.bridge.getStatus().then(
    (status) => (status.state === 'ready' ? (status.model?.fileName ?? null) : null),
    () => null,
  )

describe('the engine supervisor', () => {
  it('after giving up, Restart the engine brings back the last loaded model, not the demo', async () => {
    await watcher.bridge.loadModel({ source: { kind: 'file', path: model } })
    // Six deaths within a minute, each after the host reloaded the model (a death during the
    // load itself would mark the file as the cause): the host stops restarting the engine.
    for (let death = 1; death <= 6; death++) {
      await expect.poll(ready, { timeout: 60_000 }).toBe('mine.gguf')
      const engines = serve.enginePids.length
      process.kill(serve.enginePids.at(-1) as number, 'SIGKILL')
      if (death < 6) await expect.poll(() => serve.enginePids.length).toBe(engines + 1)
    }
    // Opened only now: a page that sees an engine without a model for a while loads the demo.
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(serve.url)
    const banner = page.locator('[data-testid=error-banner]', {
      hasText: /not restarting it any more/,
    })
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.textContent()).toMatch(/it reloads your last model/)
    await banner.getByRole('button', { name: 'Restart the engine' }).click()
    await expect.poll(ready, { timeout: 60_000 }).toBe('mine.gguf')
    await banner.waitFor({ state: 'detached' })
    await context.close()
  }, 240_000)
})
