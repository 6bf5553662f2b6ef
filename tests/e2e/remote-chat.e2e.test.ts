import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openChat, replies, send } from './chat-page'
import {
  openApp,
  setSettings,
  startServe,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
  lastRun,
  generate,
  waitForModel,
  waitForRunState,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

/** The remote engine: another Tokenscope serving the demo model over its OpenAI-compatible API. */
let peer: ServeProcess
beforeAll(async () => {
  peer = await startServe({ args: ['--api', '--api-port', '0', '--model', 'demo'] })
  if (!peer.api?.key) throw new Error(`the peer printed no API key:\n${peer.output()}`)
})
afterAll(async () => {
  await peer?.stop()
})

describe('Chat on a remote engine', () => {
  it('adds an endpoint, picks its model, chats, completes and inspects what the server reported', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-models]')
    const panel = page.locator('[data-testid=remote-panel]')
    await panel.locator('[data-testid=remote-url]').fill(peer.api?.url ?? '')
    await panel.locator('[data-testid=remote-key]').fill(peer.api?.key ?? '')
    await panel.locator('[data-testid=remote-add]').click()
    // The key is not shown again, only its end.
    expect(await panel.locator('[data-testid=remote-key-hint]').textContent()).toBe(
      `key …${peer.api?.key.slice(-4)}`,
    )
    expect(await panel.locator('[data-testid=remote-key]').inputValue()).toBe('')
    const model = panel.locator('[data-testid=remote-model]', { hasText: 'tokenscope-demo.gguf' })
    await model.locator('[data-testid=remote-use-model]').click()
    await panel.locator('[data-testid=remote-choice]').waitFor()

    // The status bar names the remote model beside the local one.
    expect(await page.locator('[data-testid=status-remote-model]').textContent()).toBe(
      'tokenscope-demo.gguf',
    )
    await openChat(page)
    await page.locator('[data-testid=remote-engine-badge]').waitFor()
    await setSettings(page, { 'max-tokens': 30 })
    await send(page, 'What is a token?', 1)
    const run = lastRun(watcher.events)
    expect(run.end?.kind).toBe('ended')
    expect(run.tokens.length).toBeGreaterThan(3)
    expect(run.tokens.every((t) => t.reported?.modelProb === true)).toBe(true)
    const reply = replies(page).first()
    const chipProbs = await reply
      .locator('[data-testid=token-chip]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-model-prob'))))
    expect(chipProbs).toEqual(run.tokens.map((t) => t.modelProb))

    // The inspector shows what the server reported and says what it did not.
    const chip = reply.locator('[data-testid=token-chip]:visible').nth(1)
    await chip.click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    await inspector.waitFor()
    const index = Number(await chip.getAttribute('data-index'))
    const token = run.tokens[index]!
    expect(
      Number(await inspector.locator('[data-testid=detail-model-prob]').getAttribute('data-value')),
    ).toBe(token.modelProb)
    expect(await inspector.locator('[data-testid=detail-sampling-prob]').textContent()).toBe(
      'not reported',
    )
    expect(await inspector.locator('[data-testid=detail-entropy]').textContent()).toBe(
      'not reported',
    )
    expect(await inspector.locator('[data-testid=detail-token-id]').textContent()).toBe(
      'not reported',
    )
    expect(await inspector.locator('[data-testid=alternative-row]').count()).toBe(
      token.alternatives.length,
    )
    // What the remote cannot do is off, with its reason.
    const lab = inspector.locator('[data-testid=inspector-tab-lab]')
    expect(await lab.isDisabled()).toBe(true)
    expect(await lab.getAttribute('title')).toMatch(/reported only its top alternatives/)
    const pick = inspector.locator('[data-testid=branch-from-alternative]').first()
    expect(await pick.isDisabled()).toBe(true)
    expect(await pick.getAttribute('title')).toMatch(/prompt cache/)

    // Completion runs there too; Continue would need the local engine's cache.
    await page.click('[data-testid=nav-completion]')
    await page.locator('[data-testid=remote-engine-badge]').waitFor()
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const completion = lastRun(watcher.events)
    expect(completion.started.prompt).toEqual([])
    expect(completion.tokens.every((t) => t.reported?.modelProb === true)).toBe(true)
    expect(await page.locator('[data-testid=token-chip]').count()).toBe(completion.tokens.length)
    expect(await page.locator('[data-testid=output-counts]').textContent()).toMatch(
      /^prompt not reported · \d+ generated/,
    )
    const resume = page.locator('[data-testid=continue-button]')
    expect(await resume.isDisabled()).toBe(true)
    expect(await resume.getAttribute('title')).toMatch(/remote server/)

    // The choice outlives a reload; back on the local engine, Chat needs no server.
    await page.reload()
    await waitForModel(page)
    await page.click('[data-testid=nav-chat]')
    await page.locator('[data-testid=badge-use-local]').click()
    await page.locator('[data-testid=remote-engine-badge]').waitFor({ state: 'detached' })
    expect(await page.locator('[data-testid=status-remote-model]').count()).toBe(0)
    await context.close()
  })
})
