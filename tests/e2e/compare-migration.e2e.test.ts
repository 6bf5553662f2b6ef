import { cpSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { comparisonOf } from '../../src/shared/compare-tree'
import { compareRecordSchema } from '../../src/shared/session-legacy'
import type { SessionDocument } from '../../src/shared/sessions'
import { openApp, type ServeProcess, useAppUnderTest } from './helpers'
import { waitForSaved } from './chat-page'

// Comparisons saved by session format 2 (tests/fixtures/sessions-v2-compare) open in the page as
// they were saved, and a column run again is recorded into the migrated tree.

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const fixtures = join(__dirname, '../fixtures/sessions-v2-compare')
const completionId = 'd5450cef-6477-4e73-9f32-37ede21e3f52'
const chatId = '78b97fee-0735-43ab-87e0-7347bd17c2e6'

const column = (page: Page, index: number) => page.locator(`[data-testid=compare-column-${index}]`)
const columnIds = (page: Page, index: number) =>
  column(page, index)
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))

async function openSaved(page: Page, id: string) {
  await page.locator(`[data-testid=session-row][data-session-id="${id}"]`).waitFor()
  await page.click(`[data-testid=session-row][data-session-id="${id}"] [data-testid=session-open]`)
  await page.locator('[data-testid=compare-prompt-input]').waitFor()
  await column(page, 1).locator('[data-testid=token-chip]').first().waitFor()
}

async function openSettings(page: Page, index: number) {
  const settings = column(page, index).locator('[data-testid=column-settings]')
  if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid=${testId}]`),
  ])
  return readFileSync(await file.path(), 'utf8')
}

describe('comparisons saved by the previous session format', () => {
  it('open with the same prompt, columns, settings and tokens, and record a column run again', async () => {
    const sessions = join(serve.dataDirectory, 'sessions')
    mkdirSync(sessions, { recursive: true })
    cpSync(join(fixtures, 'journal'), sessions, { recursive: true })
    const record = compareRecordSchema.parse(
      (
        JSON.parse(readFileSync(join(fixtures, 'compare-v2.export.json'), 'utf8')) as {
          compare: unknown
        }
      ).compare,
    )
    const { context, page } = await openApp(browser, serve.url)
    await openSaved(page, completionId)
    expect(await page.inputValue('[data-testid=compare-prompt-input]')).toBe(record.prompt)
    await column(page, 2).waitFor()
    for (const [i, saved] of record.columns.entries()) {
      await openSettings(page, i)
      const value = (name: string) => page.inputValue(`[data-testid=compare-${name}-input-${i}]`)
      expect(Number(await value('temperature'))).toBe(saved.settings.sampling.temperature)
      expect(Number(await value('max-tokens'))).toBe(saved.settings.maxTokens)
      expect(Number(await value('seed'))).toBe(saved.settings.sampling.seed)
      expect(await columnIds(page, i)).toEqual(saved.run?.tokens.map((t) => t.id))
    }
    expect(await page.inputValue('[data-testid=compare-repeat-penalty-input-1]')).toBe('1.3')
    await page.click('[data-testid=compare-options-toggle]')
    expect(await page.isChecked('[data-testid=same-seed]')).toBe(false)
    expect(await page.inputValue('[data-testid=compare-stop-strings]')).toBe('zebra\\n\\nquux')

    // Column 2 again: its node gets the new run, the others keep theirs.
    await column(page, 1).locator('[data-testid=rerun-column]').click()
    await column(page, 1)
      .locator('[data-testid=column-state]:text-matches("ended|failed")')
      .waitFor({ timeout: 90_000 })
    await waitForSaved(page)
    const shown = await columnIds(page, 1)
    const json = JSON.parse(await download(page, 'export-json')) as SessionDocument
    expect(json.schemaVersion).toBe(3)
    const tree = comparisonOf(json.nodes)
    expect(tree?.columns.map((c) => c.run?.tokens.map((t) => t.id))).toEqual([
      record.columns[0]?.run?.tokens.map((t) => t.id),
      shown,
      record.columns[2]?.run?.tokens.map((t) => t.id),
    ])

    // The chat-message comparison keeps its system prompt and its input.
    // The first comparison's prompt and chips are on screen until this one has loaded.
    await openSaved(page, chatId)
    await expect
      .poll(() => page.inputValue('[data-testid=compare-prompt-input]'))
      .toBe('What is a token?')
    expect(await page.getAttribute('[data-testid=compare-input-chat]', 'aria-checked')).toBe('true')
    expect(await page.inputValue('[data-testid=compare-system-input]')).toBe('You explain tokens.')
    await context.close()
  })

  it('import from a file format 2 exported, and show the same columns and tokens', async () => {
    const text = readFileSync(join(fixtures, 'compare-v2.export.json'), 'utf8')
    const record = compareRecordSchema.parse((JSON.parse(text) as { compare: unknown }).compare)
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-compare]')
    const rows = page.locator('[data-testid=session-row]')
    const before = await rows.count()
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'compare-v2.export.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    })
    await rows.nth(before).waitFor()
    await column(page, 2).locator('[data-testid=token-chip]').first().waitFor()
    expect(await page.inputValue('[data-testid=compare-prompt-input]')).toBe(record.prompt)
    for (const [i, saved] of record.columns.entries())
      expect(await columnIds(page, i)).toEqual(saved.run?.tokens.map((t) => t.id))
    await context.close()
  })
})
