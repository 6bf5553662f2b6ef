import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  openApp,
  setSettings,
  useAppUnderTest,
  waitForModel,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'
import { waitForSaved } from './chat-page'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const chipIds = (page: Page) =>
  page
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))
const endsSoFar = () => watcher.events.filter((e) => e.kind === 'ended').length
const shownSeed = async (page: Page) =>
  Number(await page.locator('[data-testid=run-seed]').getAttribute('data-seed'))

/** Presses Generate (the prompt stays as typed) and waits for that run to end and be saved. */
async function generateAgain(page: Page): Promise<{ ids: number[]; seed: number }> {
  const before = endsSoFar()
  await page.locator('[data-testid=generate-button]:enabled').click()
  await expect.poll(endsSoFar, { timeout: 90_000 }).toBeGreaterThan(before)
  await waitForRunState(page, 'ended')
  await waitForSaved(page)
  return { ids: await chipIds(page), seed: await shownSeed(page) }
}

async function newCompletion(page: Page, prompt: string): Promise<void> {
  await page.locator('[data-testid=nav-completion]').click()
  await page.keyboard.press('Alt+n')
  await setSettings(page, { 'max-tokens': 16, temperature: 1.5 })
  await page.fill('[data-testid=prompt-input]', prompt)
}

describe('seeds: a new one per run unless locked', () => {
  it('gives three Generate presses three texts, kept as three runs of one session', async () => {
    const { context, page } = await openApp(browser, serve.url, { randomSeeds: true })
    await newCompletion(page, 'The sampler')
    expect(await page.locator('[data-testid=seed-control]').getAttribute('data-locked')).toBe(
      'false',
    )
    const runs = [await generateAgain(page), await generateAgain(page), await generateAgain(page)]

    expect(new Set(runs.map((r) => r.seed)).size).toBe(3)
    expect(new Set(runs.map((r) => r.ids.join(','))).size).toBe(3)
    // The panel shows the seed the last run drew, ready to be locked.
    expect(Number(await page.inputValue('[data-testid=seed-input]'))).toBe(runs[2]?.seed)
    expect(await page.locator('[data-testid=output-counts]').textContent()).toContain('3 runs')

    const sessions = (await watcher.bridge.listSessions()).filter((s) => s.kind === 'completion')
    expect(sessions).toHaveLength(1)
    const load = () => watcher.bridge.loadSession({ id: sessions[0]?.id ?? '' })
    const savedIds = async () =>
      (await load()).nodes
        .filter((n) => n.role === 'completion')
        .map((n) => n.run?.tokens.map((t) => t.id))
    // The host writes the tokens as they pass; wait until it has written the last of them.
    await expect.poll(savedIds).toEqual(runs.map((r) => r.ids))
    const doc = await load()
    const saved = doc.nodes.filter((n) => n.role === 'completion')
    expect(saved.map((n) => n.origin)).toEqual(['run', 'run', 'run'])
    expect(saved.map((n) => n.run?.sampling.seed)).toEqual(runs.map((r) => r.seed))
    expect(doc.currentLeafId).toBe(saved[2]?.id)

    // After a reload the session shows the last run, with the first two a switch away.
    await page.reload()
    await waitForModel(page)
    await page.locator('[data-testid=run-seed]').waitFor()
    expect(await chipIds(page)).toEqual(runs[2]?.ids)
    expect(await page.locator('[data-testid=output-counts]').textContent()).toContain('3 runs')
    expect(await page.locator('[data-testid=branch-bar]').textContent()).toContain('Run 3 of 3')
    await context.close()
  })

  it('reproduces a run exactly with its seed locked, and draws again once unlocked', async () => {
    const { context, page } = await openApp(browser, serve.url, { randomSeeds: true })
    await newCompletion(page, 'A seed')
    const first = await generateAgain(page)

    await page.locator('[data-testid=seed-lock]').click()
    expect(await page.locator('[data-testid=seed-lock]').getAttribute('aria-checked')).toBe('true')
    const again = await generateAgain(page)
    expect(again).toEqual(first)

    // A seed typed by hand is locked too.
    await page.locator('[data-testid=seed-lock]').click()
    await setSettings(page, { seed: 777 })
    expect(await page.locator('[data-testid=seed-control]').getAttribute('data-locked')).toBe(
      'true',
    )
    const typed = await generateAgain(page)
    expect(typed.seed).toBe(777)
    expect(await generateAgain(page)).toEqual(typed)

    await page.locator('[data-testid=seed-lock]').click()
    const drawn = await generateAgain(page)
    expect(drawn.seed).not.toBe(777)
    await context.close()
  })
})
