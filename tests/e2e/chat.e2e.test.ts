import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  chipIds,
  openChat,
  replies,
  runs,
  send,
  userMessages,
  waitForReplies,
  waitForSaved,
} from './chat-page'
import {
  openApp,
  setSettings,
  waitForChips,
  waitForModel,
  withLongContext,
  type ServeProcess,
  useAppUnderTest,
  type EngineWatcher,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

describe('Chat in a real browser against `serve`', () => {
  it('chats two turns with token chips; after a reload the conversation and its token details are back', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    expect(await page.locator('[data-testid=chat-empty]').isVisible()).toBe(true)
    await setSettings(page, { 'max-tokens': 12, seed: 7 })
    const before = watcher.events.length

    await send(page, 'What is a token?', 1)
    await send(page, 'What is top-p?', 2)
    expect(await userMessages(page).count()).toBe(2)

    const engineRuns = runs(watcher.events.slice(before))
    expect(engineRuns).toHaveLength(2)
    const second = engineRuns[1]
    if (!second?.started || second.started.kind !== 'started') throw new Error('no second run')
    // The model's own chat template built the prompt; the first reply is part of the history.
    expect(second.started.parts.template).not.toBeNull()
    expect(second.started.parts.droppedMessages).toBe(0)
    for (const [i, run] of engineRuns.entries()) {
      expect(await chipIds(replies(page).nth(i))).toEqual(run.tokens.map((t) => String(t.id)))
    }

    // The gauge shows the engine's own numbers for the last reply.
    const gauge = page.locator('[data-testid=chat-context-gauge]')
    expect(Number(await gauge.getAttribute('data-system'))).toBe(second.started.parts.system)
    expect(Number(await gauge.getAttribute('data-history'))).toBe(second.started.parts.history)
    expect(Number(await gauge.getAttribute('data-reply'))).toBe(second.tokens.length)
    expect(Number(await gauge.getAttribute('data-size'))).toBe(second.started.contextSize)

    await waitForSaved(page)
    await page.reload()
    await waitForModel(page)
    await replies(page).nth(1).waitFor()
    expect(await userMessages(page).allTextContents()).toEqual([
      expect.stringContaining('What is a token?'),
      expect.stringContaining('What is top-p?'),
    ])
    for (const [i, run] of engineRuns.entries()) {
      expect(await chipIds(replies(page).nth(i))).toEqual(run.tokens.map((t) => String(t.id)))
    }

    // Token details come back with the engine's numbers and alternatives.
    const token = second.tokens[Math.min(2, second.tokens.length - 1)]
    if (!token) throw new Error('the second reply has no tokens')
    const index = second.tokens.indexOf(token)
    // The demo model thinks first; a folded thought hides its chips until it is opened.
    const folded = replies(page).nth(1).locator('[data-testid=thought-toggle][aria-expanded=false]')
    await folded.click()
    await replies(page).nth(1).locator('[data-testid=token-chip]').nth(index).hover()
    const details = page.locator('[data-testid=token-details]')
    await details.waitFor()
    expect(await details.locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(token.id),
    )
    expect(
      await details.locator('[data-testid=detail-model-prob]').getAttribute('data-value'),
    ).toBe(String(token.modelProb))
    expect(
      await details.locator('[data-testid=detail-sampling-prob]').getAttribute('data-value'),
    ).toBe(String(token.samplingProb))
    const alternatives = await details
      .locator('[data-testid=alternative-row]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))
    expect(alternatives).toEqual(token.alternatives.map((a) => a.id))
    await context.close()
  })

  it('stops a reply with Esc and keeps the partial reply', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await openChat(page)
      await page.keyboard.press('Alt+n')
      await setSettings(page, { temperature: 0, 'max-tokens': 8192 })
      await page.fill('[data-testid=chat-input]', 'How does the model pick the next word?')
      await page.press('[data-testid=chat-input]', 'Enter')
      await waitForChips(page, 10)
      await page.keyboard.press('Escape')
      await waitForReplies(page, 1)
      const state = replies(page).last().locator('[data-testid=reply-state]')
      expect(await state.getAttribute('data-stop-reason')).toBe('cancelled')
      const last = runs(watcher.events).at(-1)
      // A reply of more than 500 tokens is drawn in parts, from its end: wait for all of them.
      await expect
        .poll(() => chipIds(replies(page).last()))
        .toEqual(last?.tokens.map((t) => String(t.id)))
      expect((await chipIds(replies(page).last())).length).toBeGreaterThanOrEqual(10)
      await context.close()
    }))

  it('keeps a partial reply when the page is reloaded while it is being written', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await openChat(page)
      await page.keyboard.press('Alt+n')
      await setSettings(page, { temperature: 0, 'max-tokens': 8192 })
      await page.fill('[data-testid=chat-input]', 'What is a token?')
      await page.press('[data-testid=chat-input]', 'Enter')
      await waitForChips(page, 10)
      await page.reload()
      await waitForModel(page)
      const reply = replies(page).first()
      await reply.waitFor()
      expect(
        await reply.locator('[data-testid=reply-state]').getAttribute('data-stop-reason'),
      ).toBe('cancelled')
      // A reply of more than 500 tokens is drawn in parts, from its end: wait for them.
      await expect.poll(async () => (await chipIds(reply)).length).toBeGreaterThanOrEqual(10)
      await context.close()
    }))

  it('regenerates a reply and edits a message; every earlier version stays reachable', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await page.keyboard.press('Alt+n')
    await setSettings(page, { 'max-tokens': 10, temperature: 1, seed: 1 })
    await send(page, 'What is a token?', 1)
    const first = await chipIds(replies(page).first())

    // Regenerate: a second version of the reply beside the first.
    await setSettings(page, { seed: 2 })
    await replies(page).first().locator('[data-testid=regenerate]').click()
    await page.locator('[data-testid=branch-position]:text-is("2/2")').waitFor()
    await waitForReplies(page, 1)
    const regenerated = await chipIds(replies(page).first())
    await replies(page).first().locator('[data-testid=branch-prev]').click()
    expect(await replies(page).first().locator('[data-testid=branch-position]').textContent()).toBe(
      '1/2',
    )
    expect(await chipIds(replies(page).first())).toEqual(first)
    await replies(page).first().locator('[data-testid=branch-next]').click()
    expect(await chipIds(replies(page).first())).toEqual(regenerated)

    // Edit the question and send again: the old question and its replies stay as version 1.
    await send(page, 'What is top-p?', 2)
    await userMessages(page).first().hover()
    await userMessages(page).first().locator('[data-testid=edit-message]').click()
    await page.fill('[data-testid=edit-input]', 'What is a logit?')
    await page.press('[data-testid=edit-input]', 'Enter')
    await page
      .locator('[data-testid=reply-state][data-state=running]')
      .waitFor({ state: 'detached' })
    await waitForReplies(page, 1)
    expect(await userMessages(page).count()).toBe(1)
    expect(await userMessages(page).first().textContent()).toContain('What is a logit?')
    const switcher = userMessages(page).first().locator('[data-testid=branch-position]')
    expect(await switcher.textContent()).toBe('2/2')

    await userMessages(page).first().locator('[data-testid=branch-prev]').click()
    expect(await switcher.textContent()).toBe('1/2')
    expect(await userMessages(page).allTextContents()).toEqual([
      expect.stringContaining('What is a token?'),
      expect.stringContaining('What is top-p?'),
    ])
    expect(await chipIds(replies(page).first())).toEqual(regenerated)
    await userMessages(page).first().locator('[data-testid=branch-next]').click()
    await expect.poll(() => userMessages(page).count()).toBe(1)
    expect(await userMessages(page).first().textContent()).toContain('What is a logit?')

    // The whole tree survives a reload.
    await waitForSaved(page)
    await page.reload()
    await waitForModel(page)
    await userMessages(page).first().waitFor()
    expect(
      await userMessages(page).first().locator('[data-testid=branch-position]').textContent(),
    ).toBe('2/2')
    await context.close()
  })

  it('says so when the oldest turns no longer fit, and keeps the system prompt', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page)
    await page.keyboard.press('Alt+n')
    await page.click('[data-testid=system-toggle]')
    await page.fill('[data-testid=system-input]', 'You explain how language models work.')
    // Greedy, the demo model thinks for 6 tokens; the reply needs an answer to count as a turn.
    await setSettings(page, { temperature: 0, 'max-tokens': 10 })
    const long = 'The model reads tokens and predicts the next one. '.repeat(60)
    await send(page, long, 1)
    // Room for a long reply leaves half the context for the conversation: the first turn must go.
    await setSettings(page, { 'max-tokens': 8192 })
    await page.fill('[data-testid=chat-input]', long)
    await page.press('[data-testid=chat-input]', 'Enter')
    const notice = page.locator('[data-testid=dropped-notice]')
    await notice.waitFor({ timeout: 60_000 })
    expect(await notice.textContent()).toContain('The 2 oldest messages no longer fit')
    // They are still in the transcript, dimmed: the first question and its reply.
    expect(await page.locator('li[data-dropped] [data-testid=chat-message]').count()).toBe(2)
    await page.keyboard.press('Escape')
    await waitForReplies(page, 2)
    const started = runs(watcher.events).at(-1)?.started
    if (started?.kind !== 'started') throw new Error('no run')
    expect(started.parts.droppedMessages).toBe(2)
    expect(started.parts.system).toBeGreaterThan(0)
    await context.close()
  })
})
