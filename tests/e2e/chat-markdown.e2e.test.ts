import { describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { openChat, replies, runs, send, userMessages } from './chat-page'
import {
  generate,
  openApp,
  setSettings,
  waitForModel,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'
import {
  clipboardText,
  importMarkdownChat,
  markdownCode,
  markdownReply,
  markdownSession,
  pseudoTokens,
  selectAll,
  setClipboard,
} from './markdown-session'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

async function withClipboard(context: BrowserContext): Promise<void> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(serve.url).origin,
  })
}

/** Presses Ctrl+C on the current selection and reads what the clipboard got. */
async function copySelection(page: Page): Promise<string> {
  await setClipboard(page, '(nothing copied)')
  await page.keyboard.press('Control+c')
  return clipboardText(page)
}

async function clickCopy(page: Page, selector: string): Promise<string> {
  await setClipboard(page, '(nothing copied)')
  await page.locator(selector).click()
  await page.locator(`${selector}[data-state=copied]`).waitFor()
  return clipboardText(page)
}

const reply = '[data-testid=chat-message][data-role=assistant]'
const user = '[data-testid=chat-message][data-role=user]'

describe('Markdown replies and copying', () => {
  it('renders a Markdown reply with its tokens inspectable; copy buttons and Ctrl+C give the exact text', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await withClipboard(context)
    await importMarkdownChat(page)
    const md = page.locator('[data-testid=markdown-reply]')

    expect(await md.locator('h2').textContent()).toBe('Adding numbers')
    expect(await md.locator('li').allTextContents()).toEqual(['first point', 'second point'])
    expect(await md.locator('td').allTextContents()).toEqual(['add', '0.91', 'sum', '0.07'])
    const link = md.locator('a')
    expect(await link.getAttribute('href')).toBe('https://example.com/docs')
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('rel')).toContain('noopener')
    const code = md.locator('[data-testid=code-block]')
    expect(await code.getAttribute('data-language')).toBe('ts')
    expect(await code.locator('code').textContent()).toBe(markdownCode)
    expect(await code.locator('.hljs-keyword').count()).toBeGreaterThan(0)

    // Every span's text is part of the token its index names.
    const tokens = markdownSession().nodes[1]?.run?.tokens ?? []
    const spans = await md
      .locator('[data-index]')
      .evaluateAll((els) =>
        els.map((el) => [Number(el.getAttribute('data-index')), el.textContent]),
      )
    expect(spans.length).toBeGreaterThan(50)
    for (const [index, text] of spans) expect(tokens[index as number]?.text).toContain(text)

    // A token inside the code opens the details on hover and the pinned details on click.
    const inCode = code.locator('[data-index]').nth(3)
    const index = Number(await inCode.getAttribute('data-index'))
    await inCode.hover()
    await page.locator('[data-testid=token-details]').waitFor()
    await inCode.click()
    expect(await md.locator(`[data-index="${index}"][data-selected]`).count()).toBeGreaterThan(0)
    await page.keyboard.press('Escape')

    expect(await clickCopy(page, `${reply} [data-testid=copy-code]`)).toBe(markdownCode)
    expect(await clickCopy(page, `${reply} [data-testid=copy-message]`)).toBe(markdownReply)
    expect(await clickCopy(page, `${user} [data-testid=copy-message]`)).toBe(
      markdownSession().nodes[0]?.text,
    )

    // Selecting and pressing Ctrl+C copies what the model wrote: the Markdown source.
    await selectAll(page, reply)
    expect(await copySelection(page)).toBe(markdownReply)
    await selectAll(page, `${reply} [data-testid=code-block] code`)
    expect(await copySelection(page)).toBe(markdownCode)
    await selectAll(page, '[data-testid=chat-transcript]')
    expect(await copySelection(page)).toBe(
      `${markdownSession().nodes[0]?.text}\n\n${markdownReply}`,
    )

    // The reply's own switch shows chips, and copying them still gives the exact text.
    await page.locator('[data-testid=reply-view-toggle]').click()
    expect(await md.count()).toBe(0)
    expect(await replies(page).first().locator('[data-testid=token-chip]').count()).toBe(
      tokens.length,
    )
    await selectAll(page, reply)
    expect(await copySelection(page)).toBe(markdownReply)
    await page.locator('[data-testid=reply-view-toggle]').click()
    await md.waitFor()

    // The global switch is remembered.
    await page.locator('[data-testid=reply-view-tokens]').click()
    await replies(page).first().locator('[data-testid=token-chip]').first().waitFor()
    await page.reload()
    await waitForModel(page)
    await replies(page).first().locator('[data-testid=token-chip]').first().waitFor()
    expect(await md.count()).toBe(0)
    await page.locator('[data-testid=reply-view-markdown]').click()
    await md.waitFor()
    await context.close()
  })

  it('renders a live reply as Markdown while it streams; Ctrl+C gives the answer as generated', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await withClipboard(context)
    await openChat(page, 'markdown')
    await setSettings(page, { 'max-tokens': 40, seed: 3 })
    const before = watcher.events.length
    await send(page, 'What is a token?', 1)
    const run = runs(watcher.events.slice(before))[0]
    const answer = (run?.tokens ?? [])
      .filter((t) => t.segment !== 'thought')
      .map((t) => t.text)
      .join('')
    expect(answer.length).toBeGreaterThan(0)
    await replies(page).first().locator('[data-testid=markdown-reply]').waitFor()
    await selectAll(page, reply)
    expect(await copySelection(page)).toBe(answer)
    expect(await clickCopy(page, `${reply} [data-testid=copy-message]`)).toBe(answer)
    await selectAll(page, user)
    expect(await copySelection(page)).toBe('What is a token?')
    expect(await userMessages(page).count()).toBe(1)
    await context.close()
  })

  it('copies Completion output exactly, by button and by Ctrl+C on the chips', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await withClipboard(context)
    await setSettings(page, { 'max-tokens': 16, seed: 5 })
    const before = watcher.events.length
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const generated = runs(watcher.events.slice(before))[0]?.tokens.map((t) => t.text) ?? []
    expect(await clickCopy(page, '[data-testid=copy-output]')).toBe(generated.join(''))
    await page
      .locator('[data-testid=token-chip]')
      .first()
      .evaluate((first) => {
        const doc = (globalThis as unknown as { document: PageDocument }).document
        interface PageDocument {
          createRange(): { setStartBefore(n: unknown): void; setEndAfter(n: unknown): void }
          querySelectorAll(s: string): ArrayLike<unknown>
          getSelection(): { removeAllRanges(): void; addRange(r: unknown): void } | null
        }
        const chips = doc.querySelectorAll('[data-testid=token-chip]')
        const range = doc.createRange()
        range.setStartBefore(first)
        range.setEndAfter(chips[chips.length - 1])
        doc.getSelection()?.removeAllRanges()
        doc.getSelection()?.addRange(range)
      })
    expect(await copySelection(page)).toBe(generated.join(''))
    await context.close()
  })

  it('spaces paragraphs, headings and lists apart as a document', async () => {
    const text = [
      'First paragraph.',
      'Second paragraph.',
      '## A heading',
      'Under the heading.',
      '- one\n- two',
      'Last paragraph.',
    ].join('\n\n')
    const doc = markdownSession()
    const reply = doc.nodes[1]!
    const sample = reply.run!.tokens[0]!
    reply.text = text
    reply.run = {
      ...reply.run!,
      tokens: pseudoTokens(text).map((piece, i) => ({ ...sample, id: 1000 + i, text: piece })),
    }
    const { context, page } = await openApp(browser, serve.url)
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'spaced.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(doc)),
    })
    await page.locator('[data-testid=nav-chat]').click()
    const md = page.locator('[data-testid=markdown-reply]')
    await md.locator('h2').waitFor()
    const blocks = await md.locator(':scope > div > *').evaluateAll((els) =>
      els.map((el) => {
        const box = el.getBoundingClientRect()
        return { tag: el.tagName, top: box.top, bottom: box.bottom }
      }),
    )
    expect(blocks.map((b) => b.tag)).toEqual(['P', 'P', 'H2', 'P', 'UL', 'P'])
    const gaps = blocks.slice(1).map((block, i) => block.top - blocks[i]!.bottom)
    // Paragraphs 8 px apart, a heading 16 px below the text before it.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(8)
    expect(gaps[1]).toBeGreaterThan(gaps[0]!)
    await context.close()
  })
})
