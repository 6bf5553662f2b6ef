import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { openApp, type EngineWatcher, type ServeProcess, useAppUnderTest } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const column = (page: Page, index: number) => page.locator(`[data-testid=compare-column-${index}]`)
const inspector = (page: Page) => page.locator('[data-testid=token-details][data-pinned=true]')
const at = (page: Page, index: number) =>
  page.locator(`[data-testid=token-details][data-pinned=true][data-token-index="${index}"]`)

async function compareTwoColumns(page: Page, prompt: string, maxTokens: number): Promise<void> {
  await page.click('[data-testid=nav-compare]')
  await page.fill('[data-testid=compare-prompt-input]', prompt)
  for (const i of [0, 1]) {
    const settings = column(page, i).locator('[data-testid=column-settings]')
    if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
    await page.fill(`[data-testid=compare-max-tokens-input-${i}]`, String(maxTokens))
  }
  // A kept seed (one for both columns) whose sampled column writes every token it may: a drawn
  // one can end the text after a few, before the token a test picks.
  await page.fill('[data-testid=compare-seed-input-0]', '7')
  await page.locator('[data-testid=compare-generate]:enabled').click()
  for (const i of [0, 1]) {
    await column(page, i)
      .locator('[data-testid=column-state]:text-matches("ended|failed")')
      .waitFor({ timeout: 90_000 })
  }
}

function chipIdsOf(page: Page, index: number): Promise<string[]> {
  return column(page, index)
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id') ?? ''))
}

describe("Compare's docked inspector", () => {
  it('inspects any column token by token, in the side column or a sheet, with the Lab and N', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await compareTwoColumns(page, 'The model predicts', 24)
    const ids = await chipIdsOf(page, 1)
    expect(ids.length).toBeGreaterThan(6)

    // A pick docks the inspector beside the columns (nothing there before).
    const side = page.locator('[data-testid=inspector-column]')
    expect(await side.isVisible()).toBe(false)
    await column(page, 1).locator('[data-testid=token-chip]').nth(3).click()
    await side.locator('[data-testid=token-details][data-token-index="3"]').waitFor()
    expect(await inspector(page).locator('[data-testid=detail-token-id]').textContent()).toBe(
      ids[3],
    )
    // The hover card is for the tokens not picked: only the docked inspector is open.
    expect(await page.locator('[data-testid=token-details]').count()).toBe(1)

    // ←/→, Home and End walk the column, with the focus anywhere but a field.
    await inspector(page).locator('[data-testid=detail-token-id]').click()
    await page.keyboard.press('ArrowRight')
    await at(page, 4).waitFor()
    await page.keyboard.press('End')
    await at(page, ids.length - 1).waitFor()
    await page.keyboard.press('Home')
    await at(page, 0).waitFor()
    await page.click('[data-testid=inspector-next]')
    await at(page, 1).waitFor()

    // Alternatives with the N of the next run, and the Sampling Lab.
    expect(await inspector(page).locator('[data-testid=alternative-row]').count()).toBe(10)
    await inspector(page).locator('[data-testid=inspector-tab-lab]').click()
    await inspector(page).locator('[data-testid=sampling-lab]').waitFor()
    await inspector(page).locator('[data-testid=inspector-tab-token]').click()

    // A pick in the other column moves the one inspector there; Esc puts it away.
    await column(page, 0).locator('[data-testid=token-chip]').nth(2).click()
    await at(page, 2).waitFor()
    expect(await page.locator('[data-testid=token-details]').count()).toBe(1)
    await page.keyboard.press('Escape')
    await inspector(page).waitFor({ state: 'detached' })
    await side.waitFor({ state: 'hidden' })

    // On a narrow window the inspector is a sheet under the columns.
    await page.setViewportSize({ width: 900, height: 700 })
    await column(page, 0).locator('[data-testid=token-chip]').nth(2).click()
    const sheet = page.locator('[data-testid=inspector-sheet]')
    await sheet.locator('[data-testid=token-details][data-token-index="2"]').waitFor()
    const box = await sheet.boundingBox()
    expect(box?.width).toBe(900)
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(700)
    // The picked token is brought into sight above the sheet, below the app's header.
    const chip = column(page, 0).locator('[data-testid=token-chip]').nth(2)
    await expect
      .poll(async () => {
        const at = await chip.boundingBox()
        return at !== null && at.y > 48 && at.y + at.height <= (box?.y ?? 0)
      })
      .toBe(true)
    await context.close()
  })

  it('asks the next comparison for the inspector’s N, and tints by the colour mode picked', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await compareTwoColumns(page, 'The model predicts', 12)
    await column(page, 1).locator('[data-testid=token-chip]').nth(1).click()
    await inspector(page).locator('[data-testid=top-n-input]').fill('7')
    await page.keyboard.press('Escape')
    await inspector(page).waitFor({ state: 'detached' })

    const before = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    await column(page, 1)
      .locator('[data-testid=column-state]:text-matches("ended|failed")')
      .waitFor({ timeout: 90_000 })
    await column(page, 0)
      .locator('[data-testid=column-state]:text-matches("ended|failed")')
      .waitFor({ timeout: 90_000 })
    const tokens = watcher.events
      .slice(before)
      .flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
    expect(tokens[0]?.alternatives).toHaveLength(7)

    // The colour mode: one switch for the legend, the chips and the hover card.
    await page.click('[data-testid=color-mode-surprise]')
    expect(await page.getAttribute('[data-testid=color-legend]', 'data-mode')).toBe('surprise')
    await column(page, 0).locator('[data-testid=token-chip]').nth(1).hover()
    const badge = page.locator('[data-testid=token-details] [data-testid=detail-token-text]')
    await badge.waitFor()
    const chipTint = await column(page, 0)
      .locator('[data-testid=token-chip]')
      .nth(1)
      .evaluate((el) =>
        el.className
          .match(/\bbg-\S+/g)
          ?.sort()
          .join(' '),
      )
    const badgeTint = await badge.evaluate((el) =>
      el.className
        .match(/\bbg-\S+/g)
        ?.sort()
        .join(' '),
    )
    expect(badgeTint).toBe(chipTint)

    await context.close()
  })

  it('branches from an alternative into a Completion session that continues from it', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await compareTwoColumns(page, 'A token is', 20)
    const ids = await chipIdsOf(page, 1)
    const k = 3
    await column(page, 1).locator('[data-testid=token-chip]').nth(k).click()
    await at(page, k).waitFor()
    const pick = inspector(page).locator('[data-testid=branch-from-alternative]:enabled').first()
    const picked = await pick.locator('xpath=..').getAttribute('data-token-id')
    const settings = await column(page, 1).locator('[data-testid=compare-temperature-input-1]')
    const temperature = await settings.inputValue()
    const before = watcher.events.length
    await pick.click()

    // Completion opens the column's text as its first run, and the branch continues from the pick.
    await page.locator('#completion').waitFor()
    await page.locator('[data-testid=branch-bar][data-origin=branch]').waitFor()
    await page.locator('[data-testid=run-state]:text-matches("ended|failed")').waitFor({
      timeout: 90_000,
    })
    const started = watcher.events
      .slice(before)
      .find((e): e is Extract<typeof e, { kind: 'started' }> => e.kind === 'started')
    expect(started?.forced.map((t) => String(t.id))).toEqual([...ids.slice(0, k), picked])
    expect(String(started?.sampling.temperature)).toBe(temperature)
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe('A token is')
    const shown = await page
      .locator('[data-testid=token-chip]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id') ?? ''))
    expect(shown.slice(0, k + 1)).toEqual([...ids.slice(0, k), picked])
    // The column's own text is the session's first run, a click away.
    await page.click('[data-testid=show-original]')
    await expect
      .poll(() =>
        page
          .locator('[data-testid=token-chip]')
          .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id') ?? '')),
      )
      .toEqual(ids)
    // The stream left the Lab's candidates with the host; the new session still got them all.
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor()
    const sessions = await watcher.bridge.listSessions()
    const load = (kind: string) =>
      watcher.bridge.loadSession({ id: sessions.find((s) => s.kind === kind)!.id })
    const recorded = (await load('compare')).nodes.find((n) => n.column?.key === 'c2')?.run
    const first = (await load('completion')).nodes.find(
      (n) => n.role === 'completion' && n.origin !== 'branch',
    )?.run
    expect(recorded?.tokens.every((t) => (t.moreCandidates?.length ?? 0) > 0)).toBe(true)
    expect(first?.tokens.map((t) => t.moreCandidates)).toEqual(
      recorded?.tokens.map((t) => t.moreCandidates),
    )
    await context.close()
  })

  it('branches a chat-message comparison in Chat: a new version of the reply from the pick', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-compare]')
    await page.click('[data-testid=compare-input-chat]')
    await compareTwoColumns(page, 'What is a token?', 16)
    const ids = await chipIdsOf(page, 0)
    const k = 2
    await column(page, 0).locator('[data-testid=token-chip]').nth(k).click()
    await at(page, k).waitFor()
    const pick = inspector(page).locator('[data-testid=branch-from-alternative]:enabled').first()
    const picked = await pick.locator('xpath=..').getAttribute('data-token-id')
    const before = watcher.events.length
    await pick.click()

    // Chat opens the message and the column's reply, and a second version continues from the pick.
    await page.locator('#chat').waitFor()
    await page.locator('[data-testid=branch-position]:text-is("2/2")').waitFor({ timeout: 90_000 })
    await expect.poll(() => watcher.events.slice(before).some((e) => e.kind === 'ended')).toBe(true)
    const started = watcher.events
      .slice(before)
      .find((e): e is Extract<typeof e, { kind: 'started' }> => e.kind === 'started')
    expect(started?.forced.map((t) => String(t.id))).toEqual([...ids.slice(0, k), picked])
    expect(started?.parts.template).not.toBeNull()
    expect(await page.locator('[data-testid=chat-message]').first().textContent()).toContain(
      'What is a token?',
    )
    await context.close()
  })
})
