import { describe, expect, it, vi } from 'vitest'
import type { Browser } from 'playwright-core'
import { openChat, send } from './chat-page'
import { openApp, useAppUnderTest, type EngineWatcher, type ServeProcess } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const matching = 'Matching the chat template'

describe('Chat prepares the model’s template before the first message', () => {
  it('has the engine match the template when Chat opens, so the first reply does not wait for it', async () => {
    const blockedBy: (string | null)[] = []
    watcher.bridge.subscribe({ onStatus: (status) => blockedBy.push(status.blockedBy) })
    const { context, page } = await openApp(browser, serve.url)
    // Completion does not need the template: nothing is matched while it is open.
    expect(blockedBy).not.toContain(matching)

    await openChat(page)
    await vi.waitFor(
      () => {
        expect(blockedBy).toContain(matching)
        expect(blockedBy.at(-1)).toBeNull()
      },
      { timeout: 30_000, interval: 50 },
    )
    const before = blockedBy.length
    await send(page, 'What is a token?', 1)
    expect(blockedBy.slice(before)).not.toContain(matching)
    await context.close()
  })
})
