import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  generate,
  lastRun,
  openApp,
  setSettings,
  useAppUnderTest,
  waitForChips,
  waitForRunState,
  withLongContext,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

/** Each generated chip's place inside the transcript, and the block that holds it. */
function chipPlaces(page: Page): Promise<{ x: number; y: number; block: number }[]> {
  return page.locator('[data-testid=token-chip]').evaluateAll((chips) => {
    const blocks = chips.map((chip) => chip.closest('[data-testid=token-block]'))
    const content = blocks[0]?.parentElement
    if (!content) throw new Error('no transcript')
    const origin = content.getBoundingClientRect()
    const all = [...content.children]
    return chips.map((chip, i) => {
      const rect = chip.getBoundingClientRect()
      const block = blocks[i]
      return {
        x: Math.round(rect.left - origin.left),
        y: Math.round(rect.top - origin.top),
        block: block ? all.indexOf(block) : -1,
      }
    })
  })
}

const transcript = (page: Page) => page.getByRole('group', { name: /^Tokens\./ })

/** How far, in px, the transcript is scrolled from its end. */
function distanceFromEnd(page: Page): Promise<number> {
  return transcript(page).evaluate((box) => box.scrollHeight - box.scrollTop - box.clientHeight)
}

/**
 * A page streaming a long greedy run, whose reader scrolled 600 px up from the end once `chips`
 * tokens were shown.
 */
async function scrolledUpWhileStreaming(chips: number) {
  const app = await openApp(browser, serve.url)
  await setSettings(app.page, { temperature: 0, 'max-tokens': 8192 })
  await generate(app.page, 'A token is')
  await waitForChips(app.page, chips)
  await transcript(app.page).hover()
  await app.page.mouse.wheel(0, -600)
  await expect.poll(() => distanceFromEnd(app.page)).toBeGreaterThan(400)
  return app
}

/**
 * Another width forgets the split points (they would wrap elsewhere): back at the first width a
 * finished paragraph is one block again, and every chip must be where it was before.
 */
async function expectLaidOutAsOneParagraph(page: Page, lineEnds: number): Promise<void> {
  const before = await chipPlaces(page)
  const blocks = async () => new Set((await chipPlaces(page)).map((place) => place.block)).size
  await page.setViewportSize({ width: 1100, height: 800 })
  await expect.poll(blocks).toBeLessThanOrEqual(lineEnds + 1)
  await page.setViewportSize({ width: 1280, height: 800 })
  await expect.poll(blocks).toBeLessThanOrEqual(lineEnds + 1)
  const after = await chipPlaces(page)
  expect(after.map(({ x, y }) => [x, y])).toEqual(before.map(({ x, y }) => [x, y]))
}

describe('a long paragraph streaming into the transcript', () => {
  it('is drawn as several blocks split where lines wrap, laid out exactly as one paragraph', async () => {
    const { context, page } = await openApp(browser, serve.url)
    // Greedy: the demo model writes one long paragraph without a line break.
    await setSettings(page, { temperature: 0, 'max-tokens': 1500 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')

    const run = lastRun(watcher.events)
    const ids = await page
      .locator('[data-testid=token-chip]')
      .evaluateAll((chips) => chips.map((chip) => chip.getAttribute('data-token-id')))
    expect(ids).toEqual(run.tokens.map((token) => String(token.id)))
    const lineEnds = run.tokens.filter((token) => token.text.includes('\n')).length

    // The transcript followed the newest token to the end (it scrolls once the last batch is laid
    // out, a frame after the run shows as ended).
    await expect.poll(() => distanceFromEnd(page)).toBeLessThan(2)
    const split = await chipPlaces(page)
    const blocks = new Set(split.map((place) => place.block)).size
    // Without splitting, blocks end only at line breaks. How many splits a stream gets depends on
    // how many frames saw it grow (fewer on a busy machine), so only their presence is asserted.
    expect(blocks).toBeGreaterThan(lineEnds + 1)

    await expectLaidOutAsOneParagraph(page, lineEnds)
    await context.close()
  })

  it('stays where the reader scrolled to while tokens keep coming', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await scrolledUpWhileStreaming(300)
      const readingAt = await transcript(page).evaluate((box) => box.scrollTop)
      const seen = await page.locator('[data-testid=token-chip]').count()
      // Hundreds more tokens arrive below while the reader stays put.
      await waitForChips(page, seen + 500)
      expect(await transcript(page).evaluate((box) => box.scrollTop)).toBe(readingAt)
      await page.locator('[data-testid=stop-button]:enabled').click()
      await waitForRunState(page, 'ended')
      expect(await transcript(page).evaluate((box) => box.scrollTop)).toBe(readingAt)
      expect(await distanceFromEnd(page)).toBeGreaterThan(1000)
      await context.close()
    }))

  it('keeps not following when the transcript is laid out shorter for a frame after the reader scrolled up', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await scrolledUpWhileStreaming(600)
      // The reader is not at the top either, so that a clamp has somewhere to move them from.
      expect(await transcript(page).evaluate((box) => box.scrollTop)).toBeGreaterThan(0)
      // What a busy machine does now and then: the content is shorter for a frame (here its
      // blocks are hidden), and the browser moves the position up to the new end by itself; the
      // scroll event of that comes with the next frame, and the blocks are back after it.
      await transcript(page).evaluate(
        (box) =>
          new Promise<void>((resolve) => {
            const blocks = [...box.querySelectorAll('[data-testid=token-block]')] as unknown as {
              style: { display: string }
            }[]
            for (const block of blocks) block.style.display = 'none'
            const frame = (globalThis as unknown as { requestAnimationFrame(f: () => void): void })
              .requestAnimationFrame
            const clamped = box.scrollTop
            if (clamped !== 0) throw new Error(`the position was not clamped: ${clamped}`)
            frame(() =>
              frame(() => {
                for (const block of blocks) block.style.display = ''
                resolve()
              }),
            )
          }),
      )
      const seen = await page.locator('[data-testid=token-chip]').count()
      await waitForChips(page, seen + 300)
      // That was not the reader coming back to the end: the box stays where the clamp left it.
      expect(await distanceFromEnd(page)).toBeGreaterThan(400)
      await page.locator('[data-testid=stop-button]:enabled').click()
      await waitForRunState(page, 'ended')
      await context.close()
    }))

  it('splits anew when a branch switch takes room in a line', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 400 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const first = lastRun(watcher.events).tokens
    const lineEnds = first.filter((token) => token.text.includes('\n')).length
    // Branch early in the paragraph from an alternative, then go back to the first branch: its
    // tokens are the ones measured before, but the ‹ 1/2 › switch now sits in their lines.
    // A short branch: it adds no split points of its own while it runs.
    await setSettings(page, { 'max-tokens': 5 })
    await page.locator('[data-testid=token-chip]').nth(10).click()
    await page.locator('[data-testid=branch-from-alternative]:enabled').first().click()
    await page.locator('[data-testid=branch-switcher]').waitFor()
    await waitForRunState(page, 'ended')
    await page.click('[data-testid=branch-prev]')
    await page.locator('[data-testid=branch-switcher][data-branch-index="0"]').waitFor()
    await expect.poll(() => page.locator('[data-testid=token-chip]').count()).toBe(first.length)
    await expectLaidOutAsOneParagraph(page, lineEnds)
    await context.close()
  })
})
