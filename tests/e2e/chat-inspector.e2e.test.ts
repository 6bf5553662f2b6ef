import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { chipIds, openChat, replies, runs, send, waitForReplies } from './chat-page'
import {
  openApp,
  setSettings,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

describe("Chat's docked inspector", () => {
  it('inspects a reply token by token and branches a new version from an alternative', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await setSettings(page, { 'max-tokens': 40 })
    await send(page, 'What is a token?', 1)
    const reply = replies(page).first()
    const ids = await chipIds(reply)
    expect(ids.length).toBeGreaterThan(4)

    // A click docks the same inspector as Completion's, in place of the settings.
    // (The demo model thinks first; a folded thought hides its chips, so pick a shown one.)
    const chip = reply.locator('[data-testid=token-chip]:visible').nth(2)
    const index = Number(await chip.getAttribute('data-index'))
    await chip.click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    await inspector.waitFor()
    expect(await inspector.getAttribute('data-token-index')).toBe(String(index))
    expect(await inspector.locator('[data-testid=detail-token-id]').textContent()).toBe(ids[index])
    expect(
      await page.locator('[data-testid=side-tab-inspector]').getAttribute('aria-selected'),
    ).toBe('true')
    // With the focus outside the reply's stream, the keys walk the whole reply.
    await inspector.locator('[data-testid=detail-token-id]').click()
    await page.keyboard.press('ArrowRight')
    await page.locator(`[data-testid=token-details][data-token-index="${index + 1}"]`).waitFor()
    await page.keyboard.press('End')
    await page
      .locator(`[data-testid=token-details][data-token-index="${ids.length - 1}"]`)
      .waitFor()
    await page.keyboard.press('Home')
    await page.locator('[data-testid=token-details][data-token-index="0"]').waitFor()
    await page.keyboard.press('ArrowRight')
    await page.locator('[data-testid=token-details][data-token-index="1"]').waitFor()

    // The Sampling Lab is there too.
    await inspector.locator('[data-testid=inspector-tab-lab]').click()
    await inspector.locator('[data-testid=sampling-lab]').waitFor()
    await inspector.locator('[data-testid=inspector-tab-token]').click()

    // Branching from an alternative at token 1: a second version of the reply that keeps
    // token 0, takes the pick, and continues from it.
    const pick = inspector.locator('[data-testid=branch-from-alternative]:enabled').first()
    const picked = await pick.locator('xpath=..').getAttribute('data-token-id')
    const before = runs(watcher.events).length
    await pick.click()
    await waitForReplies(page, 1)
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    const branch = runs(watcher.events).at(-1)!
    expect(branch.started?.forced.map((t) => String(t.id))).toEqual([ids[0], picked])
    expect(await page.locator('[data-testid=branch-position]').last().textContent()).toBe('2/2')
    const branchIds = await chipIds(replies(page).first())
    expect(branchIds.slice(0, 2)).toEqual([ids[0], picked])
    expect(branchIds.slice(2)).toEqual(branch.tokens.map((t) => String(t.id)))

    // The host saved the branch with its kept tokens: a reload shows the same version.
    await page.reload()
    await openChat(page)
    await replies(page).first().waitFor()
    expect(await chipIds(replies(page).first())).toEqual(branchIds)
    await context.close()
  })

  it('shows the version an alternative already made instead of making it again', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await setSettings(page, { 'max-tokens': 30 })
    await send(page, 'Name a colour.', 1)
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    const pickAt = async (index: number) => {
      await replies(page).first().locator(`[data-testid=token-chip][data-index="${index}"]`).click()
      await page.locator(`[data-testid=token-details][data-token-index="${index}"]`).waitFor()
    }
    // A shown token (the demo model thinks first, and a folded thought hides its chips).
    const shown = replies(page).first().locator('[data-testid=token-chip]:visible').nth(1)
    const k = Number(await shown.getAttribute('data-index'))
    await pickAt(k)
    const pick = inspector.locator('[data-testid=branch-from-alternative]:enabled').first()
    const picked = await pick.locator('xpath=..').getAttribute('data-token-id')
    await pick.click()
    await waitForReplies(page, 1)
    const position = page.locator('[data-testid=branch-position]').last()
    await expect.poll(() => position.textContent()).toBe('2/2')
    const branchIds = await chipIds(replies(page).first())
    // The new version's first token keeps its step's Lab candidates, which the stream left with
    // the host, though the Lab was never opened on that step.
    const chat = (await watcher.bridge.listSessions()).find((s) => s.kind === 'chat')
    const versions = async () =>
      (await watcher.bridge.loadSession({ id: chat!.id })).nodes.filter(
        (n) => n.role === 'assistant',
      )
    await expect.poll(async () => (await versions()).length).toBe(2)
    const [first, second] = await versions()
    expect(first?.run?.tokens[k]?.moreCandidates?.length).toBeGreaterThan(0)
    expect(second?.run?.tokens[k]?.moreCandidates).toEqual(first?.run?.tokens[k]?.moreCandidates)

    // Back on the first version, the same alternative at the same token is marked, and a click
    // on it shows the version it made: no new run, no third version.
    await page.click('[data-testid=branch-prev]')
    await expect.poll(() => position.textContent()).toBe('1/2')
    await pickAt(k)
    const again = inspector.locator(`[data-testid=alternative-row][data-token-id="${picked}"]`)
    expect(await again.getAttribute('data-branched')).toBe('true')
    const before = runs(watcher.events).length
    await again.locator('[data-testid=branch-from-alternative]').click()
    await expect.poll(() => position.textContent()).toBe('2/2')
    expect(await chipIds(replies(page).first())).toEqual(branchIds)
    expect(runs(watcher.events).length).toBe(before)
    await context.close()
  })
})
