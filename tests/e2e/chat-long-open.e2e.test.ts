import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openApp, type ServeProcess, useAppUnderTest } from './helpers'
import { openChat } from './chat-page'
import { longMarkdownChat } from './markdown-session'
import { settledFramesAfterClick } from './settled-frames'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const turns = 20

describe('a long saved chat', () => {
  it('opens at its last reply, draws the earlier turns above it, and keeps that reply in view', async () => {
    const doc = longMarkdownChat('long-chat', turns)
    mkdirSync(join(serve.dataDirectory, 'sessions'), { recursive: true })
    writeFileSync(join(serve.dataDirectory, 'sessions', 'long-chat.json'), JSON.stringify(doc))
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page, 'markdown')
    const row = '[data-testid=session-row][data-session-id="long-chat"] [data-testid=session-open]'
    await page.locator(row).waitFor()
    const frames = await settledFramesAfterClick(page, {
      click: row,
      count: '[data-testid=chat-message]',
      end: `[data-message-id="a${turns - 1}"]`,
      box: '[data-testid=chat-transcript]',
      edge: 'bottom',
      // The first question is the last message drawn.
      done: '[data-message-id="u0"]',
    })
    expect(frames[0]?.count).toBeLessThan(turns * 2)
    expect(frames.at(-1)?.count).toBe(turns * 2)
    expect(frames.filter((f) => !f.endInView)).toEqual([])
    await context.close()
  })
})
