import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  generate,
  lastRun,
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
  markdownCode,
  markdownCompletion,
  markdownPrompt,
  markdownReply,
  selectAll,
  setClipboard,
} from './markdown-session'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const output = '[data-testid=output-markdown]'
const picked = (page: Page, index: number) =>
  page.locator(`[data-testid=token-details][data-pinned=true][data-token-index="${index}"]`)

async function copyOutput(page: Page): Promise<string> {
  await setClipboard(page, '(nothing copied)')
  await page.click('[data-testid=copy-output]')
  await page.locator('[data-testid=copy-output][data-state=copied]').waitFor()
  return clipboardText(page)
}

describe('Completion output as Markdown', () => {
  it('renders the output as Markdown on request, tokens tinted and inspectable, copies exact', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(serve.url).origin,
    })
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'markdown-completion.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(markdownCompletion())),
    })
    // Chips are the default; the switch beside the colour modes renders Markdown instead.
    await page.locator('#completion [data-testid=token-chip]').first().waitFor()
    expect(await page.locator(output).count()).toBe(0)
    await page.click('[data-testid=output-view-markdown]')
    const md = page.locator(`${output} [data-testid=markdown-reply]`)
    await md.locator('[data-testid=code-block]').waitFor()
    expect(await md.locator('h2').textContent()).toBe('Adding numbers')
    expect(await md.locator('li').allTextContents()).toEqual(['first point', 'second point'])
    expect(await md.locator('[data-testid=code-block] code').textContent()).toBe(markdownCode)
    expect(await page.locator('[data-testid=output-prompt]').textContent()).toBe(markdownPrompt)
    expect(await page.locator('[data-testid=token-chip]').count()).toBe(0)

    // Each token's span is tinted; hover shows its card, a click docks the inspector on it.
    const span = md.locator('li [data-index]').first()
    const index = Number(await span.getAttribute('data-index'))
    expect(await span.getAttribute('class')).toMatch(/\bbg-/)
    await span.hover()
    await page.locator('[data-testid=token-details]:not([data-pinned])').waitFor()
    await span.click()
    await picked(page, index).waitFor()
    expect(await picked(page, index).locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(1000 + index),
    )
    expect(await md.locator(`[data-index="${index}"][data-selected]`).count()).toBeGreaterThan(0)
    await picked(page, index).locator('[data-testid=detail-token-id]').click()
    await page.keyboard.press('ArrowRight')
    await picked(page, index + 1).waitFor()
    await page.keyboard.press('Escape')

    // Copy and Ctrl+C give the text as generated, not as rendered.
    expect(await copyOutput(page)).toBe(markdownReply)
    await selectAll(page, `${output} [data-testid=output-text]`)
    await setClipboard(page, '(nothing copied)')
    await page.keyboard.press('Control+c')
    expect(await clipboardText(page)).toBe(markdownReply)

    // The choice is Completion's own and is remembered; Chat keeps its own.
    await page.reload()
    await waitForModel(page)
    expect(await page.getAttribute('[data-testid=output-view-markdown]', 'aria-pressed')).toBe(
      'true',
    )
    await context.close()
  })

  it('streams a run as Markdown and inspects it like chips', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(serve.url).origin,
    })
    await page.click('[data-testid=output-view-markdown]')
    await setSettings(page, { 'max-tokens': 60 })
    await generate(page, 'A list of reasons to tokenize text:')
    await waitForRunState(page, 'ended')
    const run = lastRun(watcher.events)
    const md = page.locator(`${output} [data-testid=markdown-reply]`)
    await md.locator('[data-index]').first().waitFor()
    expect(await copyOutput(page)).toBe(run.tokens.map((t) => t.text).join(''))
    // A span picked by keyboard: focus the text, → picks the first token, End the last.
    await md.focus()
    await page.keyboard.press('ArrowRight')
    await picked(page, 0).waitFor()
    await page.keyboard.press('End')
    await picked(page, run.tokens.length - 1).waitFor()
    await context.close()
  })

  it('marks where branches part with ‹ i/n › inside the Markdown, and switches between them', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(serve.url).origin,
    })
    await page.click('[data-testid=output-view-markdown]')
    await setSettings(page, { 'max-tokens': 16 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const original = lastRun(watcher.events)
      .tokens.map((t) => t.text)
      .join('')
    const md = page.locator(`${output} [data-testid=markdown-reply]`)
    const k = 3
    await md.locator(`[data-index="${k}"]`).first().click()
    await picked(page, k).waitFor()
    await page.locator('[data-testid=branch-from-alternative]:enabled').first().click()
    const switcher = md.locator('[data-testid=branch-switcher]')
    await switcher.waitFor()
    await waitForRunState(page, 'ended')
    expect(await switcher.getAttribute('data-position')).toBe(String(k))
    expect(await switcher.getAttribute('data-branch-index')).toBe('1')
    const branched = await copyOutput(page)
    expect(branched).not.toBe(original)
    expect(branched).not.toMatch(/[‹›]|\d\/2/)

    await md.locator('[data-testid=branch-prev]').click()
    await md.locator('[data-testid=branch-switcher][data-branch-index="0"]').waitFor()
    expect(await copyOutput(page)).toBe(original)
    await md.locator('[data-testid=branch-next]').click()
    await md.locator('[data-testid=branch-switcher][data-branch-index="1"]').waitFor()
    expect(await copyOutput(page)).toBe(branched)
    await context.close()
  })
})
