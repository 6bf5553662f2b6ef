import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { openApp, type EngineWatcher, type ServeProcess, useAppUnderTest } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

describe('the Tokenizer view', () => {
  it("shows the loaded model's own tokens, IDs, bytes and special tokens of any text", async () => {
    const { context, page } = await openApp(browser, `${serve.url}#tokenizer`)
    const text = 'Tokens:\n<|im_start|>user café 日本'
    await page.fill('[data-testid=tokenizer-input]', text)
    const expected = await watcher.bridge.tokenize({ text, specialTokens: true })
    const chips = page.locator('[data-testid=tokenizer-token]')
    await expect
      .poll(async () => (await chips.evaluateAll((all) => all.map((c) => c.dataset.id))).join())
      .toBe(expected.map((t) => t.id).join())
    await expect
      .poll(() => page.locator('[data-testid=tokenizer-counts]').textContent())
      .toContain(`${expected.length} tokens`)
    // The newline is visible, and the chat marker is one special token.
    expect(await chips.allTextContents()).toContain(`↵${expected[2]?.id ?? ''}`)
    const special = page.locator('[data-testid=tokenizer-token][data-special=true]')
    expect(await special.count()).toBe(1)

    // A piece of a character shows its own byte, not the replacement character's.
    const partial = expected.findIndex((t) => t.text.includes('\ufffd'))
    expect(partial).toBeGreaterThan(0)
    await chips.nth(partial).click()
    const bytes = (expected[partial]?.bytes ?? []).map((b) => b.toString(16).padStart(2, '0'))
    expect(await page.locator('[data-testid=tokenizer-detail-bytes]').textContent()).toBe(
      bytes.join(' '),
    )
    expect(bytes.join(' ')).not.toBe('ef bf bd')
    expect(await page.locator('[data-testid=tokenizer-detail-kind]').textContent()).toMatch(
      /Part of a character/,
    )

    // Without parsing special tokens the marker is plain text: several ordinary tokens.
    await page.locator('[data-testid=tokenizer-special]').uncheck()
    const plain = await watcher.bridge.tokenize({ text, specialTokens: false })
    expect(plain.length).toBeGreaterThan(expected.length)
    await expect
      .poll(async () => (await chips.evaluateAll((all) => all.map((c) => c.dataset.id))).join())
      .toBe(plain.map((t) => t.id).join())
    expect(await special.count()).toBe(0)

    // The text is kept across a reload.
    await page.reload()
    expect(await page.locator('[data-testid=tokenizer-input]').inputValue()).toBe(text)
    await context.close()
  })
})
