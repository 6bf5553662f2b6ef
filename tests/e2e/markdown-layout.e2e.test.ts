import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openChat, replies, runs, send } from './chat-page'
import {
  openApp,
  setSettings,
  useAppUnderTest,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'
import { clipboardText, selectAll, setClipboard } from './markdown-session'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const reply = '[data-testid=chat-message][data-role=assistant]'

/** Where every token span's text is drawn, line by line, inside the reply. */
function spanPlaces(page: Page): Promise<string[]> {
  return page.locator(`${reply} [data-testid=markdown-reply]`).evaluate((root) => {
    const origin = root.getBoundingClientRect()
    return [...root.querySelectorAll('[data-src]')].map((span) =>
      [...span.getClientRects()]
        .filter((rect) => rect.width > 0)
        .map((rect) => `${rect.left - origin.left},${rect.top - origin.top},${rect.width}`)
        .join(' '),
    )
  })
}

const closedGroups = (page: Page) => page.locator('[data-line-group=closed]').count()

describe('a long Markdown paragraph streaming into a chat reply', () => {
  it('is drawn as blocks that end where lines wrap, laid out and copied exactly as one paragraph', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(serve.url).origin,
    })
    await openChat(page, 'markdown')
    // Greedy: the demo model writes one long paragraph without a line break.
    await setSettings(page, { temperature: 0, 'max-tokens': 1200 })
    const before = watcher.events.length
    await send(page, 'Explain what a token is, at length.', 1)
    const answer = (runs(watcher.events.slice(before))[0]?.tokens ?? [])
      .filter((token) => token.segment !== 'thought')
      .map((token) => token.text)
      .join('')
    expect(answer).not.toContain('\n\n')

    // How many blocks a stream gets depends on how many frames saw it grow (fewer on a busy
    // machine), so only their presence is asserted.
    expect(await closedGroups(page)).toBeGreaterThan(0)
    const split = await spanPlaces(page)
    await selectAll(page, reply)
    await setClipboard(page, '(nothing copied)')
    await page.keyboard.press('Control+c')
    expect(await clipboardText(page)).toBe(answer)

    // A plain click on selected text picks the token under it (the whole reply is selected still).
    const spans = page.locator(`${reply} [data-testid=markdown-reply] [data-index]`)
    const picked = spans.nth(100)
    const index = await picked.getAttribute('data-index')
    await picked.click()
    await page
      .locator(`[data-testid=token-details][data-pinned=true][data-token-index="${index}"]`)
      .waitFor()
    const marked = () => page.locator(`${reply} [data-index="${index}"][data-selected]`).count()
    expect(await marked()).toBeGreaterThan(0)

    // Another width forgets where lines started; back at the first width the paragraph is drawn
    // in one piece, and every span is where it was in blocks.
    await page.setViewportSize({ width: 1100, height: 800 })
    await expect.poll(() => closedGroups(page)).toBe(0)
    expect(await marked()).toBeGreaterThan(0)
    await page.setViewportSize({ width: 1280, height: 800 })
    await expect.poll(async () => (await spanPlaces(page)).length).toBe(split.length)
    expect(await spanPlaces(page)).toEqual(split)
    expect(await replies(page).count()).toBe(1)
    await context.close()
  }, 120_000) // 1,200 tokens streamed, then laid out at two widths: slow on a busy machine
})
