import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  generate,
  lastRun,
  openApp,
  recordStream,
  setSettings,
  waitForChips,
  waitForModel,
  withLongContext,
  waitForRunState,
  type ServeProcess,
  useAppUnderTest,
  type EngineWatcher,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const chips = (page: Page) => page.locator('[data-testid=token-chip]')

/** Greedy decoding makes the demo model loop instead of ending: a run that lasts. */
const longRun = { temperature: 0, 'max-tokens': 8192 }

describe('Completion view in a real browser against `serve`', () => {
  it('loads the demo model and names it and the backend in the status bar', async () => {
    const { context, page } = await openApp(browser, serve.url)
    // The key is gone from the address bar: the page runs on its session cookie.
    expect(page.url()).toBe(`${serve.origin}/`)
    const bar = page.locator('[data-testid=status-bar]')
    const status = await watcher.bridge.getStatus()
    expect(status.model).not.toBeNull()
    expect(await bar.textContent()).toContain(status.model?.name)
    const backend = await page.locator('[data-testid=backend]').textContent()
    expect(['CPU', 'Metal', 'CUDA', 'Vulkan']).toContain(backend)
    // Nothing failed on the way to this backend, so nothing is marked.
    expect(status.gpuFallback).toBeNull()
    expect(await page.locator('[data-testid=backend-fallback]').count()).toBe(0)
    expect(await page.locator('[data-testid=run-state]').textContent()).toBe('idle')
    expect(await page.locator('[data-testid=stop-button]').count()).toBe(0)
    await context.close()
  })

  it('streams token chips while the run goes on, exactly as the engine sent them', async () => {
    const { context, page } = await openApp(browser, serve.url)
    // Long enough to span many frames even on a busy machine.
    await setSettings(page, { ...longRun, 'max-tokens': 1500, seed: 1234 })
    const snapshots = await recordStream(page)
    await generate(page, 'The model predicts')
    await waitForRunState(page, 'ended')

    const seen = await snapshots()
    const whileRunning = seen.filter((s) => s.state === 'running' && s.chips > 0)
    expect(whileRunning.length).toBeGreaterThanOrEqual(2)
    const counts = whileRunning.map((s) => s.chips)
    expect(Math.max(...counts)).toBeGreaterThan(Math.min(...counts))
    const final = seen[seen.length - 1]
    expect(final?.state).toBe('ended')
    expect(Math.max(...counts)).toBeLessThanOrEqual(final?.chips ?? 0)

    const run = lastRun(watcher.events)
    expect(run.started.sampling.temperature).toBe(0)
    expect(run.started.sampling.seed).toBe(1234)
    expect(run.end?.kind).toBe('ended')
    const ids = await chips(page).evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-token-id')),
    )
    const probs = await chips(page).evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-model-prob')),
    )
    expect(ids).toEqual(run.tokens.map((t) => String(t.id)))
    expect(probs).toEqual(run.tokens.map((t) => String(t.modelProb)))
    expect(await page.locator('[data-testid=prompt-token-chip]').count()).toBe(
      run.started.prompt.length,
    )
    const stopReason = await page
      .locator('[data-testid=run-state]')
      .getAttribute('data-stop-reason')
    expect(stopReason).toBe(run.end?.kind === 'ended' ? run.end.reason : null)
    await context.close()
  })

  it('shows a token’s details: both probabilities, rank and the alternatives the engine sent', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 12 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const run = lastRun(watcher.events)
    const index = Math.min(3, run.tokens.length - 1)
    const token = run.tokens[index]
    if (!token) throw new Error('the run generated no tokens')

    await chips(page).nth(index).hover()
    const details = page.locator('[data-testid=token-details]')
    await details.waitFor()
    expect(await details.getAttribute('data-pinned')).toBeNull()
    expect(await details.locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(token.id),
    )
    expect(
      await details.locator('[data-testid=detail-model-prob]').getAttribute('data-value'),
    ).toBe(String(token.modelProb))
    expect(
      await details.locator('[data-testid=detail-sampling-prob]').getAttribute('data-value'),
    ).toBe(String(token.samplingProb))
    expect(await details.locator('[data-testid=detail-rank]').textContent()).toBe(
      String(token.rank),
    )
    expect(await details.textContent()).toMatch(/Model probability[\s\S]*Sampling probability/)

    const rows = details.locator('[data-testid=alternative-row]')
    const shown = await rows.evaluateAll((els) =>
      els.map((el) => ({
        id: Number(el.getAttribute('data-token-id')),
        modelProb: Number(el.getAttribute('data-model-prob')),
        chosen: el.hasAttribute('data-chosen'),
      })),
    )
    expect(shown.map((r) => r.id)).toEqual(token.alternatives.map((a) => a.id))
    expect(shown.map((r) => r.modelProb)).toEqual(token.alternatives.map((a) => a.modelProb))
    expect(shown.length).toBe(10)
    for (let i = 1; i < shown.length; i++) {
      expect(shown[i]?.modelProb).toBeLessThanOrEqual(shown[i - 1]?.modelProb ?? 1)
    }
    expect(shown.reduce((sum, r) => sum + r.modelProb, 0)).toBeLessThanOrEqual(1 + 1e-9)
    const chosen = shown.filter((r) => r.chosen)
    if (token.rank <= shown.length)
      expect(chosen).toEqual([{ id: token.id, modelProb: token.modelProb, chosen: true }])

    // A click pins the panel so the pointer can leave; Esc closes it.
    await chips(page).nth(index).click()
    expect(await details.getAttribute('data-pinned')).toBe('true')
    await page.mouse.move(5, 5)
    expect(await details.isVisible()).toBe(true)
    await page.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })
    await context.close()
  })

  it('stops a long run and keeps its partial output; the context gauge moves while it runs', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      const gauge = page.locator('[data-testid=context-gauge]')
      const size = Number(await gauge.getAttribute('data-size'))
      expect(size).toBeGreaterThan(0)
      expect(await gauge.getAttribute('data-used')).toBe('0')
      await setSettings(page, longRun)
      const snapshots = await recordStream(page)
      await generate(page, 'The model predicts')
      await waitForChips(page, 20)
      await page.locator('[data-testid=stop-button]:enabled').click()
      await waitForRunState(page, 'ended')

      expect(await page.locator('[data-testid=run-state]').getAttribute('data-stop-reason')).toBe(
        'cancelled',
      )
      expect(await page.locator('[data-testid=stop-button]').count()).toBe(0)
      const kept = await chips(page).count()
      expect(kept).toBeGreaterThanOrEqual(20)
      expect(kept).toBe(lastRun(watcher.events).tokens.length)

      const used = (await snapshots()).filter((s) => s.state === 'running').map((s) => s.used)
      expect(new Set(used).size).toBeGreaterThanOrEqual(2)
      const finalUsed = Number(await gauge.getAttribute('data-used'))
      expect(finalUsed).toBeGreaterThan(Math.min(...used))
      expect(finalUsed).toBeLessThanOrEqual(size)
      await context.close()
    }))

  it('starts with Ctrl+Enter and stops with Esc', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await setSettings(page, longRun)
      await page.fill('[data-testid=prompt-input]', 'A token is')
      await page.locator('[data-testid=generate-button]:enabled').waitFor()
      await page.press('[data-testid=prompt-input]', 'Control+Enter')
      await waitForChips(page, 5)
      await page.keyboard.press('Escape')
      await waitForRunState(page, 'ended')
      expect(await page.locator('[data-testid=run-state]').getAttribute('data-stop-reason')).toBe(
        'cancelled',
      )
      await context.close()
    }))

  it('keeps the theme the user picked across reloads', async () => {
    const { context, page } = await openApp(browser, serve.url, { colorScheme: 'light' })
    const isDark = async () => (await page.locator('html.dark').count()) === 1
    expect(await isDark()).toBe(false)
    await page.click('[data-testid=theme-toggle]')
    expect(await isDark()).toBe(true)
    await page.reload()
    await waitForModel(page)
    expect(await isDark()).toBe(true)
    await context.close()
  })

  it('gives a wrong access token nothing', async () => {
    const wrong = serve.url.replace(/token=[\w-]+/, 'token=not-the-token')
    const response = await fetch(wrong)
    expect(response.status).toBe(403)

    const context = await browser.newContext()
    const page = await context.newPage()
    const visit = await page.goto(wrong)
    expect(visit?.status()).toBe(403)
    expect(await page.textContent('body')).toMatch(/access denied/i)
    expect(await page.locator('[data-testid=status-bar]').count()).toBe(0)
    await context.close()
  })

  it('survives an engine crash mid-run: notice, partial output kept, recovery without reload', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await setSettings(page, longRun)
      await generate(page, 'The model predicts')
      await waitForChips(page, 10)
      const enginePid = serve.enginePids[serve.enginePids.length - 1]
      if (enginePid === undefined) throw new Error('serve logged no engine pid')
      process.kill(enginePid, 'SIGKILL')

      await page.locator('[data-testid=engine-banner]').waitFor({ timeout: 30_000 })
      expect(await page.locator('[data-testid=engine-banner]').textContent()).toContain(
        'The engine stopped unexpectedly — restarting…',
      )
      await waitForRunState(page, 'failed')
      const kept = await chips(page).count()
      expect(kept).toBeGreaterThanOrEqual(10)

      await page
        .locator('[data-testid=engine-banner]')
        .waitFor({ state: 'detached', timeout: 90_000 })
      await waitForModel(page)
      expect(await chips(page).count()).toBe(kept)
      await setSettings(page, { 'max-tokens': 5 })
      await generate(page, 'A token is')
      await waitForRunState(page, 'ended')
      expect(await chips(page).count()).toBeGreaterThan(0)
      await context.close()
    }))
})
