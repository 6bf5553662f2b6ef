import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openApp, type ServeProcess, useAppUnderTest } from './helpers'
import { openChat } from './chat-page'
import { longMarkdownChat } from './markdown-session'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const turns = 20

interface Frame {
  messages: number
  lastInView: boolean
}

describe('a long saved chat', () => {
  it('opens at its last reply, draws the earlier turns above it, and keeps that reply in view', async () => {
    const doc = longMarkdownChat('long-chat', turns)
    mkdirSync(join(serve.dataDirectory, 'sessions'), { recursive: true })
    writeFileSync(join(serve.dataDirectory, 'sessions', 'long-chat.json'), JSON.stringify(doc))
    const { context, page } = await openApp(browser, serve.url)
    await openChat(page, 'markdown')
    const row = '[data-testid=session-row][data-session-id="long-chat"] [data-testid=session-open]'
    await page.locator(row).waitFor()
    // Every frame from the click until every message is drawn, read in a task after the frame
    // (once the view has followed its end), where no task changed the page in between.
    const frames = await page.evaluate(
      async ({ row, total }) => {
        interface Rect {
          top: number
          bottom: number
        }
        interface El {
          getBoundingClientRect(): Rect
          click(): void
        }
        const g = globalThis as unknown as {
          document: {
            body: unknown
            querySelector(selector: string): El | null
            querySelectorAll(selector: string): { length: number }
          }
          requestAnimationFrame(callback: () => void): number
          setTimeout(callback: () => void, ms: number): number
          MutationObserver: new (callback: () => void) => {
            observe(target: unknown, options: Record<string, boolean>): void
            disconnect(): void
          }
        }
        const seen: Frame[] = []
        let changed = false
        const mutations = new g.MutationObserver(() => (changed = true))
        mutations.observe(g.document.body, { subtree: true, childList: true })
        g.document.querySelector(row)?.click()
        await new Promise<void>((resolve) => {
          const check = () => {
            const messages = g.document.querySelectorAll('[data-testid=chat-message]').length
            const box = g.document.querySelector('[data-testid=chat-transcript]')
            const last = g.document.querySelector('[data-message-id="a19"]')
            if (messages > 0 && !changed) {
              const view = box?.getBoundingClientRect()
              const end = last?.getBoundingClientRect()
              seen.push({
                messages,
                lastInView:
                  !!view && !!end && end.bottom > view.top && end.bottom <= view.bottom + 1,
              })
            }
            if (messages === total && seen.at(-1)?.messages === total) return resolve()
            g.requestAnimationFrame(() => {
              changed = false
              g.setTimeout(check, 0)
            })
          }
          check()
        })
        mutations.disconnect()
        return seen
      },
      { row, total: turns * 2 },
    )
    expect(frames[0]?.messages).toBeLessThan(turns * 2)
    expect(frames.at(-1)?.messages).toBe(turns * 2)
    expect(frames.filter((f) => !f.lastInView)).toEqual([])
    await context.close()
  })
})
