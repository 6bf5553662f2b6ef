import { describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  generate,
  openApp,
  setSettings,
  useAppUnderTest,
  waitForRunState,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

interface Box {
  x: number
  y: number
  width: number
  height: number
}

async function box(locator: Locator): Promise<Box> {
  const found = await locator.boundingBox()
  if (!found) throw new Error('not laid out')
  return found
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

const sidebar = (page: Page) => page.locator('[data-testid=sessions-sidebar]')
const stream = (page: Page) => page.getByRole('group', { name: /^Tokens\./ })
const chips = (page: Page) => page.locator('[data-testid=token-chip]')
const inspector = (page: Page) => page.locator('[data-testid=token-details][data-pinned=true]')

describe('the sessions sidebar', () => {
  it('folds by button and by Ctrl+B, stays folded after a reload, and opens over narrow windows', async () => {
    const { context, page } = await openApp(browser, serve.url)
    const toggle = page.locator('[data-testid=sidebar-toggle]')
    await sidebar(page).waitFor()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    const withSidebar = (await box(page.locator('#completion'))).width

    await toggle.click()
    await sidebar(page).waitFor({ state: 'hidden' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect((await box(page.locator('#completion'))).width).toBeGreaterThan(withSidebar + 200)
    await page.reload()
    await page.locator('#completion').waitFor()
    expect(await sidebar(page).isVisible()).toBe(false)

    // The shortcut works while typing, too, and is on the list of shortcuts.
    await page.locator('[data-testid=prompt-input]').focus()
    await page.keyboard.press('Control+b')
    await sidebar(page).waitFor()
    expect(await sidebar(page).getAttribute('data-mode')).toBe('inline')
    await page.reload()
    await sidebar(page).waitFor()
    await page.locator('body').press('?')
    const sheet = page.locator('[data-testid=shortcuts-sheet]')
    expect(await sheet.textContent()).toContain('Show or hide the sessions sidebar')
    expect(await sheet.textContent()).toContain('Ctrl B')
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'detached' })

    // A narrow window gives the view the width; the sidebar then opens over it, until Esc.
    await page.setViewportSize({ width: 900, height: 700 })
    await sidebar(page).waitFor({ state: 'hidden' })
    expect((await box(page.locator('#completion'))).width).toBe(900)
    await toggle.click()
    await sidebar(page).waitFor()
    expect(await sidebar(page).getAttribute('data-mode')).toBe('drawer')
    expect((await box(page.locator('#completion'))).width).toBe(900)
    await page.keyboard.press('Escape')
    await sidebar(page).waitFor({ state: 'hidden' })
    // The wide window's choice was not changed by the drawer.
    await page.setViewportSize({ width: 1280, height: 800 })
    await sidebar(page).waitFor()
    await context.close()
  })
  it('holds the focus while it is a drawer: Tab cycles inside, Esc gives it back to the button', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.setViewportSize({ width: 900, height: 700 })
    const toggle = page.locator('[data-testid=sidebar-toggle]')
    await sidebar(page).waitFor({ state: 'hidden' })
    await toggle.focus()
    await page.keyboard.press('Enter')
    await sidebar(page).waitFor()
    expect(await sidebar(page).getAttribute('aria-modal')).toBe('true')
    const focusInDrawer = () =>
      sidebar(page).evaluate((el) => el.contains(el.ownerDocument.activeElement))
    await expect.poll(focusInDrawer).toBe(true)
    // Round the drawer and past its end, both ways: the focus never leaves it.
    const seen = new Set<string>()
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab')
      expect(await focusInDrawer()).toBe(true)
      seen.add(
        await sidebar(page).evaluate(
          (el) => el.ownerDocument.activeElement?.getAttribute('data-testid') ?? '',
        ),
      )
    }
    expect(seen.has('new-session')).toBe(true)
    expect(seen.has('import-button')).toBe(true)
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab')
      expect(await focusInDrawer()).toBe(true)
    }
    await page.keyboard.press('Escape')
    await sidebar(page).waitFor({ state: 'hidden' })
    await expect
      .poll(() => toggle.evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true)

    // Esc in the empty search box closes it too; with text in it, Esc is the box's.
    await page.keyboard.press('Enter')
    await sidebar(page).waitFor()
    await page.locator('[data-testid=session-search]').fill('x')
    await page.keyboard.press('Escape')
    expect(await sidebar(page).isVisible()).toBe(true)
    await page.locator('[data-testid=session-search]').fill('')
    await page.keyboard.press('Escape')
    await sidebar(page).waitFor({ state: 'hidden' })
    await expect
      .poll(() => toggle.evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true)
    await context.close()
  })
})

describe('Completion at 1280×800 and 900×700', () => {
  it('gives the tokens most of the width, and a pick swaps the settings for the inspector without re-wrapping', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 200, seed: 4 })
    await generate(page, 'The history of the transformer')
    await waitForRunState(page, 'ended')
    const panel = await box(page.locator('section[aria-labelledby=output-title]'))
    const before = await box(stream(page))
    // The whole Tokens panel, with the sidebar open: no empty column beside the text.
    expect(before.width).toBeGreaterThan(panel.width - 4)
    expect(before.width).toBeGreaterThan(550)
    expect(await page.locator('[data-testid=inspector-placeholder]').isVisible()).toBe(false)

    await chips(page).nth(20).click()
    await inspector(page).waitFor()
    expect(await page.getAttribute('[data-testid=side-tab-inspector]', 'aria-selected')).toBe(
      'true',
    )
    expect(await page.locator('[data-testid=temperature-input]').isVisible()).toBe(false)
    expect(await box(stream(page))).toEqual(before)
    // The settings are a tab away, and the picked token is kept meanwhile.
    await page.click('[data-testid=side-tab-settings]')
    await page.locator('[data-testid=temperature-input]').waitFor()
    await page.click('[data-testid=side-tab-inspector]')
    expect(await inspector(page).getAttribute('data-token-index')).toBe('20')
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=temperature-input]').waitFor()
    expect(await box(stream(page))).toEqual(before)

    // Before a pick, the inspector's tab says what it will show, in a few lines.
    await page.click('[data-testid=side-tab-inspector]')
    const placeholder = page.locator('[data-testid=inspector-placeholder]')
    await placeholder.waitFor()
    expect((await box(placeholder)).height).toBeLessThan(160)
    await context.close()
  })

  it('docks the inspector in a sheet under the view on a narrow window, never over the picked token', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.setViewportSize({ width: 900, height: 700 })
    await setSettings(page, { 'max-tokens': 300, seed: 4 })
    await generate(page, 'The history of the transformer')
    await waitForRunState(page, 'ended')
    // The lowest chip in sight: the one a sheet over the view would cover first.
    const index = await chips(page).evaluateAll((els) => {
      const height = (globalThis as unknown as { innerHeight: number }).innerHeight
      let lowest = -1
      let lowestTop = -1
      els.forEach((el, i) => {
        const rect = el.getBoundingClientRect()
        if (rect.bottom < height - 40 && rect.top > lowestTop) {
          lowest = i
          lowestTop = rect.top
        }
      })
      return lowest
    })
    expect(index).toBeGreaterThanOrEqual(0)
    const chip = chips(page).nth(index)
    expect((await box(chip)).y).toBeGreaterThan(350)
    await chip.click()
    await inspector(page).waitFor()
    const sheet = await box(page.locator('[data-testid=inspector-sheet]'))
    expect(sheet.width).toBe(900)
    expect(sheet.y + sheet.height).toBeLessThanOrEqual(700)
    const inspected = async () => {
      const at = Number(await inspector(page).getAttribute('data-token-index'))
      const chipBox = await box(chips(page).nth(at))
      expect(overlaps(chipBox, sheet)).toBe(false)
      // In sight: the chip itself is what a click at its middle reaches.
      const hit = await chips(page)
        .nth(at)
        .evaluate(
          (el, p) => {
            const doc = el.ownerDocument
            return doc.elementFromPoint(p.x, p.y)?.closest('[data-index]') === el
          },
          { x: chipBox.x + chipBox.width / 2, y: chipBox.y + chipBox.height / 2 },
        )
      expect(hit).toBe(true)
    }
    await expect.poll(async () => overlaps(await box(chip), sheet)).toBe(false)
    await inspected()
    // Stepping on with → keeps the token in sight as well.
    // The run may end before its 300 tokens (an end-of-text token): → stops at its last.
    const last = (await chips(page).count()) - 1
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight')
    await page
      .locator(`[data-testid=token-details][data-token-index="${Math.min(index + 12, last)}"]`)
      .waitFor()
    await expect
      .poll(async () => {
        const at = Number(await inspector(page).getAttribute('data-token-index'))
        return overlaps(await box(chips(page).nth(at)), sheet)
      })
      .toBe(false)
    await inspected()
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=inspector-sheet]').waitFor({ state: 'hidden' })
    await context.close()
  })
})

describe('Compare', () => {
  it('gives the text most of each column at 1280×800 and at 900×700', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'Once upon a time')
    await page.locator('[data-testid=compare-generate]:enabled').click()
    const columns = page.locator('[data-testid^=compare-column-]')
    for (const i of [0, 1]) {
      await columns
        .nth(i)
        .locator('[data-testid=column-state]:text-matches("ended|failed")')
        .waitFor({ timeout: 90_000 })
    }
    const textShare = async () => {
      const card = await box(columns.nth(0))
      const text = await box(columns.nth(0).getByRole('group', { name: /^Tokens\./ }))
      return { card: card.height, text: text.height, bottom: card.y + card.height }
    }
    let sizes = await textShare()
    // About 15 lines of 26 px, where the folded-out statistics left about 6.
    expect(sizes.text).toBeGreaterThan(360)
    expect(sizes.text / sizes.card).toBeGreaterThan(0.7)
    expect(sizes.bottom).toBeLessThanOrEqual(800)

    await page.setViewportSize({ width: 900, height: 700 })
    await expect.poll(async () => (await textShare()).bottom).toBeLessThanOrEqual(700)
    sizes = await textShare()
    expect(sizes.text).toBeGreaterThan(230)
    expect(sizes.text / sizes.card).toBeGreaterThan(0.6)

    // The statistics unfold in every column at once, and fold again.
    const rates = page.locator('[data-testid=stat-rate]')
    expect(await rates.nth(0).isVisible()).toBe(false)
    await page.locator('[data-testid=stats-toggle]').first().click()
    await rates.nth(0).waitFor()
    await rates.nth(1).waitFor()
    await page.locator('[data-testid=stats-toggle]').nth(1).click()
    await rates.nth(0).waitFor({ state: 'hidden' })
    await context.close()
  })
})

describe('the app shell', () => {
  it('stays in the window when a long view is scrolled past its end or an element is scrolled into view', async () => {
    const { context, page } = await openApp(browser, `${serve.url}#tokenizer`)
    const text = Array.from({ length: 300 }, (_, i) => `w${i} x`).join(' ')
    await page.fill('[data-testid=tokenizer-input]', text)
    const more = page.locator('[data-testid=tokenizer-tokens-more]')
    await more.waitFor()
    const view = page.locator('[data-testid=tokenizer-view]')
    const bottom = () =>
      view.evaluate((main) => main.scrollHeight - main.scrollTop - main.clientHeight)
    await page.mouse.move(600, 400)
    // Wheel on past the view's end: what is left over must not scroll the window's document.
    while ((await bottom()) > 1) await page.mouse.wheel(0, 1500)
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 1500)
    await more.evaluate((el) => el.scrollIntoView({ block: 'center' }))
    const shell = await page.locator('html').evaluate((html) => ({
      scrolled: html.scrollTop,
      tall: html.scrollHeight,
      window: html.clientHeight,
    }))
    expect(shell).toEqual({ scrolled: 0, tall: shell.window, window: shell.window })
    expect((await box(page.locator('header').first())).y).toBe(0)
    await context.close()
  })
})
