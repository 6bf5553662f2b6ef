import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openChat, replies, send } from './chat-page'
import {
  generate,
  lastRun,
  openApp,
  setSettings,
  useAppUnderTest,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

// TOKENSCOPE_EXACT_ENTROPY_VOCAB=0 makes the engine bound the demo model's entropy as it does a
// large vocabulary's (engine/bounded-head.ts), so the inspector's "≥" and its exact value on
// demand can be checked against the demo model.
let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app), {
  // Bounds are the prebuilt binary's: the fast one reads every step's exact entropy in C++.
  env: { TOKENSCOPE_EXACT_ENTROPY_VOCAB: '0', TOKENSCOPE_ENGINE_BINARY: 'prebuilt' },
})

/**
 * Whether the newest saved session of `kind` holds token `index` of some run with an exact
 * entropy: the value read on demand, kept with the session.
 */
async function savedExact(kind: 'completion' | 'chat' | 'compare', index: number) {
  const newest = (await watcher.bridge.listSessions())
    .filter((s) => s.kind === kind)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0]
  if (!newest) return false
  const doc = await watcher.bridge.loadSession({ id: newest.id })
  return doc.nodes.some((n) => {
    const token = n.run?.tokens[index]
    return token !== undefined && token.entropyUpperBits === undefined
  })
}

/** Saves a screenshot when TOKENSCOPE_SHOTS names a folder (for a person to look at). */
async function shot(page: Page, name: string) {
  const folder = process.env.TOKENSCOPE_SHOTS
  if (folder) await page.screenshot({ path: `${folder}/${name}.png` })
}

describe('a bounded entropy in the inspector', () => {
  it('shows "≥" with its range, then the exact value once asked for', async () => {
    const dark = process.env.TOKENSCOPE_SHOTS_DARK === '1'
    const viewport = dark ? { width: 900, height: 700 } : { width: 1280, height: 800 }
    const { page } = await openApp(browser, serve.url, { colorScheme: dark ? 'dark' : 'light' })
    await page.setViewportSize(viewport)
    await setSettings(page, { 'max-tokens': 12, seed: 3 })
    await generate(page, 'The model predicts')
    await waitForRunState(page, 'ended')
    const run = lastRun(watcher.events)
    const token = run.tokens[2]!
    expect(token.entropyUpperBits).toBeDefined()

    await page.click('[data-testid=color-mode-entropy]')
    const legend = page.locator('[data-testid=legend-bounded]')
    await legend.waitFor()
    expect(await legend.getAttribute('title')).toMatch(/lower bound/)

    await page.locator('[data-testid=token-chip]').nth(2).click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    const entropy = inspector.locator('[data-testid=detail-entropy]')
    await expect.poll(() => entropy.textContent()).toBe(`≥ ${token.entropyBits.toFixed(2)} bits`)
    expect(await entropy.getAttribute('data-bounded')).toBe('true')
    expect(await inspector.locator('[data-testid=detail-entropy-range]').textContent()).toContain(
      token.entropyUpperBits!.toFixed(2),
    )
    expect(await entropy.locator('..').getAttribute('title')).toMatch(/smallest head probability/)
    await shot(page, `inspector-bounded-${dark ? 'dark' : 'light'}`)

    await inspector.locator('[data-testid=exact-entropy]').click()
    await expect.poll(() => entropy.getAttribute('data-bounded')).toBeNull()
    const exact = Number(await entropy.getAttribute('data-value'))
    // What the engine reads on demand for the same context.
    const context = [
      ...run.started!.prompt.map((t) => t.id),
      ...run.tokens.slice(0, 2).map((t) => t.id),
    ]
    const reference = await watcher.bridge.exactEntropy({ tokens: context })
    expect(exact).toBeCloseTo(reference.entropyBits, 9)
    expect(exact).toBeGreaterThanOrEqual(token.entropyBits - 1e-6)
    expect(exact).toBeLessThanOrEqual(token.entropyUpperBits! + 1e-6)
    expect(await entropy.textContent()).toBe(`${exact.toFixed(2)} bits`)
    expect(await inspector.locator('[data-testid=exact-entropy]').count()).toBe(0)
    // The chip's tint and label follow the value read, not the lower bound it replaced.
    const chip = page.locator('[data-testid=token-chip]').nth(2)
    await expect.poll(() => chip.getAttribute('aria-label')).toContain(`${exact.toFixed(2)} bits`)
    expect(await chip.getAttribute('aria-label')).not.toContain('at least')
    await shot(page, `inspector-exact-${dark ? 'dark' : 'light'}`)

    // The hover popover shows the value read, not the bounds it replaced.
    await page.keyboard.press('Escape')
    await inspector.waitFor({ state: 'detached' })
    await page.locator('[data-testid=token-chip]').nth(2).hover()
    const popover = page.locator('[data-testid=token-details]:not([data-pinned])')
    const hovered = popover.locator('[data-testid=detail-entropy]')
    await expect.poll(() => hovered.textContent()).toBe(`${exact.toFixed(2)} bits`)
    expect(await hovered.getAttribute('data-bounded')).toBeNull()
    await shot(page, `popover-exact-${dark ? 'dark' : 'light'}`)

    // Kept with the session: the reopened page shows the exact value with no button.
    await expect.poll(() => savedExact('completion', 2)).toBe(true)
    await page.reload()
    await page.locator('[data-testid=token-chip]').nth(2).click()
    await expect.poll(() => entropy.textContent()).toBe(`${exact.toFixed(2)} bits`)
    expect(await entropy.getAttribute('data-bounded')).toBeNull()
    expect(await inspector.locator('[data-testid=exact-entropy]').count()).toBe(0)
  })

  it('reads the exact value in a chat reply and a Compare column, from their own contexts', async () => {
    const { context, page } = await openApp(browser, serve.url)
    const exactAfterClick = async () => {
      const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
      const entropy = inspector.locator('[data-testid=detail-entropy]')
      await expect.poll(() => entropy.getAttribute('data-bounded')).toBe('true')
      await inspector.locator('[data-testid=exact-entropy]').click()
      await expect.poll(() => entropy.getAttribute('data-bounded')).toBeNull()
      expect(await inspector.locator('[data-testid=exact-entropy-status]').count()).toBe(0)
      expect(await entropy.textContent()).toMatch(/^\d+\.\d\d bits$/)
    }
    await openChat(page)
    await setSettings(page, { 'max-tokens': 24 })
    await send(page, 'What is a token?', 1)
    // Chips of the reply's thinking are hidden: the third shown is not token 2.
    const chip = replies(page).first().locator('[data-testid=token-chip]:visible').nth(2)
    const index = Number(await chip.getAttribute('data-index'))
    await chip.click()
    await exactAfterClick()
    await expect.poll(() => savedExact('chat', index)).toBe(true)

    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'The model predicts')
    await page.locator('[data-testid=compare-generate]:enabled').click()
    // The greedy column: it writes all its tokens (a sampled one may end before the fourth).
    const column = page.locator('[data-testid=compare-column-0]')
    await column
      .locator('[data-testid=column-state]:text-matches("ended|failed")')
      .waitFor({ timeout: 90_000 })
    await column.locator('[data-testid=token-chip]').nth(3).click()
    await exactAfterClick()
    await expect.poll(() => savedExact('compare', 3)).toBe(true)
    await context.close()
  })
})
