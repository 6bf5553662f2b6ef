import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { SessionDocument } from '../../src/shared/sessions'
import {
  generate,
  openApp,
  setSettings,
  waitForModel,
  waitForRunState,
  type ServeProcess,
  useAppUnderTest,
  type EngineWatcher,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const rows = (page: Page) => page.locator('[data-testid=session-row]')
const row = (page: Page, id: string) =>
  page.locator(`[data-testid=session-row][data-session-id="${id}"]`)

async function chatOnce(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=nav-chat]').click()
  await page.locator('[data-testid=chat-input]').waitFor()
  await page.keyboard.press('Alt+n')
  await setSettings(page, { 'max-tokens': 8 })
  await page.fill('[data-testid=chat-input]', text)
  await page.locator('[data-testid=send-button]:enabled').click()
  await page
    .locator('[data-testid=reply-state][data-state=ended]')
    .last()
    .waitFor({ timeout: 90_000 })
  await page.locator('[data-testid=save-state][data-state=saved]').waitFor()
}

async function download(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid=${testId}]`),
  ])
  const path = await file.path()
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') }
}

/** What must survive export and import: everything but the file's own id. */
function content(doc: SessionDocument): Omit<SessionDocument, 'id'> & { id?: string } {
  const copy: Omit<SessionDocument, 'id'> & { id?: string } = { ...doc }
  delete copy.id
  return copy
}

describe('sessions sidebar in a real browser', () => {
  it('exports a chat as JSON and Markdown; importing the JSON gives the same conversation', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await chatOnce(page, 'What is a token?')
    const exported = await download(page, 'export-json')
    expect(exported.name).toMatch(/\.json$/)
    const original = JSON.parse(exported.text) as SessionDocument
    const reply = original.nodes.find((n) => n.role === 'assistant')
    expect(reply?.run?.tokens.length).toBeGreaterThan(0)
    const token = reply?.run?.tokens[0]
    expect(token).toMatchObject({
      id: expect.any(Number),
      modelProb: expect.any(Number),
      samplingProb: expect.any(Number),
    })
    expect(token?.alternatives.length).toBe(10)
    const status = await watcher.bridge.getStatus()
    expect(original.model?.name).toBe(status.model?.name)
    expect(original.settings.maxTokens).toBe(8)

    const markdown = await download(page, 'export-markdown')
    expect(markdown.name).toMatch(/\.md$/)
    expect(markdown.text).toContain('What is a token?')
    expect(markdown.text).toContain('| # | Token | ID | Model p | Sampling p | Rank |')

    // The same id is taken: the import gets a fresh one, the content is identical.
    const before = await rows(page).count()
    await page.setInputFiles('[data-testid=import-input]', {
      name: exported.name,
      mimeType: 'application/json',
      buffer: Buffer.from(exported.text),
    })
    await rows(page).nth(before).waitFor()
    const saved = await watcher.bridge.listSessions()
    const copy = saved.find((s) => s.id !== original.id && s.title === original.title)
    if (!copy) throw new Error('the import was not saved')
    const imported = await watcher.bridge.loadSession({ id: copy.id })
    expect(content(imported)).toEqual(content(original))

    // It opened: exporting it again gives the same file but for the id.
    await page
      .locator(`[data-testid=session-row][data-session-id="${copy.id}"] [aria-current]`)
      .waitFor()
    const again = JSON.parse((await download(page, 'export-json')).text) as SessionDocument
    expect(again.id).toBe(copy.id)
    expect(content(again)).toEqual(content(original))

    // A file that is not a session is refused with a readable reason.
    await page.setInputFiles('[data-testid=import-input]', {
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello": 1}'),
    })
    // One sentence naming the file; the schema's complaints folded away under Details.
    expect(await page.locator('[data-testid=session-error-message]').textContent()).toMatch(
      /^“notes\.json” is not a Tokenscope session: \d+ of its fields do not match\.$/,
    )
    const details = page.locator('[data-testid=session-error-details]')
    expect(await details.getAttribute('open')).toBeNull()
    expect(await details.locator('pre').textContent()).toContain('schemaVersion')
    await context.close()
  })

  it('renames inline, searches by title, deletes with Undo', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await chatOnce(page, 'What is top-p?')
    const id = await page
      .locator('[data-testid=session-row] [aria-current]')
      .evaluate((el) => el.closest('[data-session-id]')?.getAttribute('data-session-id') ?? '')
    await row(page, id).hover()
    await row(page, id).locator('[data-testid=session-rename]').click()
    await page.fill('[data-testid=rename-input]', 'Sampling quiz')
    await page.press('[data-testid=rename-input]', 'Enter')
    await row(page, id).locator('[data-testid=session-title]:text-is("Sampling quiz")').waitFor()
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor()
    expect((await watcher.bridge.loadSession({ id })).title).toBe('Sampling quiz')
    expect(await page.locator('[data-testid=chat-title]').textContent()).toBe('Sampling quiz')

    await page.fill('[data-testid=session-search]', 'quiz')
    expect(await rows(page).count()).toBe(1)
    await page.fill('[data-testid=session-search]', 'no such title')
    expect(await rows(page).count()).toBe(0)
    await page.fill('[data-testid=session-search]', '')

    await row(page, id).hover()
    await row(page, id).locator('[data-testid=session-delete]').click()
    await row(page, id).waitFor({ state: 'detached' })
    expect((await watcher.bridge.listSessions()).some((s) => s.id === id)).toBe(false)
    // The open chat was the deleted one: a new, empty chat takes its place.
    await page.locator('[data-testid=chat-empty]').waitFor()
    await page.click('[data-testid=undo-button]')
    await row(page, id).waitFor()
    expect((await watcher.bridge.listSessions()).some((s) => s.id === id)).toBe(true)
    await row(page, id).locator('[data-testid=session-open]').click()
    await page.locator('[data-testid=chat-message][data-role=assistant]').waitFor()
    await context.close()
  })

  it('saves every Completion run as a session and reopens it with its tokens', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.locator('[data-testid=nav-completion]').click()
    await setSettings(page, { 'max-tokens': 10 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const ids = await page
      .locator('[data-testid=token-chip]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id')))
    const saved = page.locator('[data-testid=session-row][data-kind=completion]').first()
    await saved.waitFor()
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor()

    await page.reload()
    await waitForModel(page)
    await page.locator('[data-testid=token-chip]').first().waitFor()
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe('A token is')
    expect(
      await page
        .locator('[data-testid=token-chip]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-token-id'))),
    ).toEqual(ids)

    // Opening it from the sidebar from another view brings it back too.
    await page.locator('[data-testid=nav-chat]').click()
    await saved.locator('[data-testid=session-open]').click()
    await page.locator('#completion').waitFor()
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe('A token is')
    expect(await page.locator('[data-testid=token-chip]').count()).toBe(ids.length)
    await context.close()
  })

  it('tells the user about a corrupt session file it moved aside', async () => {
    const directory = join(serve.dataDirectory, 'sessions')
    mkdirSync(directory, { recursive: true })
    writeFileSync(join(directory, 'broken.json'), '{"schemaVersion": 1, "id": "bro')
    const { context, page } = await openApp(browser, serve.url)
    const notice = page.locator('[data-testid=storage-problems]')
    await notice.waitFor()
    expect(await notice.textContent()).toMatch(/broken/)
    await notice.getByRole('button', { name: 'Dismiss storage notice' }).click()
    await notice.waitFor({ state: 'detached' })
    await context.close()
  })
})
