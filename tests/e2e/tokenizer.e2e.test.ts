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

  it('lays a long text out as one flow of chips, in order, each line filled before the next', async () => {
    const { context, page } = await openApp(browser, `${serve.url}#tokenizer`)
    const text = Array.from({ length: 150 }, (_, i) => `word${i} and more`).join(' ')
    await page.fill('[data-testid=tokenizer-input]', text)
    const expected = await watcher.bridge.tokenize({ text, specialTokens: true })
    expect(expected.length).toBeGreaterThan(600)
    const chips = page.locator('[data-testid=tokenizer-tokens] [data-testid=tokenizer-token]')
    await expect.poll(() => chips.count()).toBe(expected.length)
    const places = await chips.evaluateAll((all) =>
      all.map((chip) => {
        const box = chip.getBoundingClientRect()
        return { id: chip.dataset.id, top: box.top, left: box.left, right: box.right }
      }),
    )
    expect(places.map((p) => p.id)).toEqual(expected.map((t) => String(t.id)))
    const lineEnd = Math.max(...places.map((p) => p.right))
    for (let i = 1; i < places.length; i++) {
      const [before, chip] = [places[i - 1]!, places[i]!]
      if (chip.top === before.top) expect(chip.left).toBeGreaterThan(before.right)
      // A chip starts a line only when it would not have fitted at the end of the last one.
      else expect(before.right + (chip.right - chip.left)).toBeGreaterThan(lineEnd - 8)
    }
    await context.close()
  })

  it('draws the first 1,000 chips of a long text, and more when asked, up to 5,000', async () => {
    const { context, page } = await openApp(browser, `${serve.url}#tokenizer`)
    const text = Array.from({ length: 420 }, (_, i) => `word${i} and more`).join(' ')
    const expected = await watcher.bridge.tokenize({ text, specialTokens: true })
    expect(expected.length).toBeGreaterThan(1500)
    await page.fill('[data-testid=tokenizer-input]', text)
    const list = (name: string) => page.locator(`[data-testid=${name}] > div > *`)
    const note = page.locator('[data-testid=tokenizer-tokens-shown]')
    await expect
      .poll(() => note.textContent())
      .toBe(`Showing the first 1,000 of ${expected.length.toLocaleString('en')} tokens. Show all`)
    expect(await list('tokenizer-tokens').count()).toBe(1000)
    // Compare's list of the same text is cut the same way, and grows on its own.
    await expect.poll(() => list('compare-tokens').count()).toBe(1000)

    await page.click('[data-testid=tokenizer-tokens-more]')
    await expect.poll(() => list('tokenizer-tokens').count()).toBe(expected.length)
    expect(await note.count()).toBe(0)
    const ids = await list('tokenizer-tokens').evaluateAll((chips) =>
      chips.map((chip) => chip.getAttribute('data-id')),
    )
    expect(ids).toEqual(expected.map((t) => String(t.id)))
    expect(await list('compare-tokens').count()).toBe(1000)

    // Past 5,000 tokens the list stops there and says so, with nothing more to ask for.
    const longer = Array.from({ length: 1400 }, (_, i) => `word${i} and more`).join(' ')
    const total = (await watcher.bridge.tokenize({ text: longer, specialTokens: true })).length
    expect(total).toBeGreaterThan(5000)
    await page.fill('[data-testid=tokenizer-input]', longer)
    await expect
      .poll(() => note.textContent())
      .toBe(`Showing the first 5,000 of ${total.toLocaleString('en')} tokens. `)
    expect(await list('tokenizer-tokens').count()).toBe(5000)
    expect(await page.locator('[data-testid=tokenizer-tokens-more]').count()).toBe(0)
    await context.close()
  })
})
