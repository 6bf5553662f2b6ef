import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { runs } from './chat-page'
import {
  generate,
  openApp,
  setSettings,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

describe('penalties and stop strings in the sampling panel', () => {
  it('reach the engine and change what a greedy run writes', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 30 })
    await generate(page, 'the the model')
    await waitForRunState(page, 'ended')
    const plain = runs(watcher.events).at(-1)!

    await page.locator('[data-testid=penalties] summary').click()
    await page.fill('[data-testid=presence-penalty-input]', '1.5')
    await page.fill('[data-testid=frequency-penalty-input]', '0.5')
    await page.fill('[data-testid=penalty-window-input]', '16')
    await expect
      .poll(() => page.locator('[data-testid=penalties] summary').textContent())
      .toContain('presence 1.5 · frequency 0.5 · last 16')
    const before = runs(watcher.events).length
    await page.locator('[data-testid=generate-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    await expect.poll(() => runs(watcher.events).at(-1)?.end !== undefined).toBe(true)
    const penalised = runs(watcher.events).at(-1)!
    expect(penalised.started?.sampling).toMatchObject({
      temperature: 0,
      presencePenalty: 1.5,
      frequencyPenalty: 0.5,
      penaltyWindow: 16,
    })
    const text = (run: typeof plain) => run.tokens.map((t) => t.text).join('')
    expect(text(penalised)).not.toBe(text(plain))
    // What the model thinks is still reported unpenalised: the first step is the same.
    const modelView = (run: typeof plain) =>
      run.tokens[0]?.alternatives.map(({ id, modelProb }) => ({ id, modelProb }))
    expect(modelView(penalised)).toEqual(modelView(plain))
    await context.close()
  })
  it('end a run where a stop string appears, and keep it for the next run', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 40 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const free = runs(watcher.events).at(-1)!
    const stop = free.tokens[5]!.text + free.tokens[6]!.text
    await page.fill('[data-testid=stop-strings-input]', stop.replace(/\n/g, '\\n'))
    const before = runs(watcher.events).length
    await page.locator('[data-testid=generate-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    await page.locator('[data-testid=run-state][data-stop-reason=stop-string]').waitFor()
    const stopped = runs(watcher.events).at(-1)!
    const text = stopped.tokens.map((t) => t.text).join('')
    expect(text.includes(stop)).toBe(true)
    expect(
      free.tokens
        .map((t) => t.text)
        .join('')
        .startsWith(text),
    ).toBe(true)
    await page.reload()
    expect(await page.locator('[data-testid=stop-strings-input]').inputValue()).toBe(
      stop.replace(/\n/g, '\\n'),
    )
    await context.close()
  })
})
