import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { comparisonOf } from '../../src/shared/compare-tree'
import { completionPathTokens } from '../../src/shared/completion-tree'
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
  withLongContext,
} from './helpers'
import { waitForSaved } from './chat-page'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const chips = (page: Page) => page.locator('[data-testid=token-chip]')
const chipIds = (page: Page) =>
  chips(page).evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))
const switcherAt = (page: Page, position: number) =>
  page.locator(`[data-testid=branch-switcher][data-position="${position}"]`)
const endsSoFar = () => watcher.events.filter((e) => e.kind === 'ended').length

async function waitFor(check: () => boolean, what: string, timeout = 90_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Branches at chip `index` of the shown path from its first alternative; returns the new path. */
async function branchAt(page: Page, index: number): Promise<number[]> {
  await chips(page).nth(index).click()
  await page.locator(`[data-testid=token-details][data-token-index="${index}"]`).waitFor()
  const pick = page.locator('[data-testid=branch-from-alternative]:enabled').first()
  const before = endsSoFar()
  await pick.click()
  await waitFor(() => endsSoFar() > before, 'the branch to end')
  await waitForRunState(page, 'ended')
  await switcherAt(page, index).waitFor()
  await waitForSaved(page)
  return chipIds(page)
}

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid=${testId}]`),
  ])
  return readFileSync(await file.path(), 'utf8')
}

describe('sessions keep branches and comparisons across reloads', () => {
  it('keeps every branch of a Completion run in one session, switchable after a reload', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.locator('[data-testid=nav-completion]').click()
    await setSettings(page, { 'max-tokens': 12, seed: 11 })
    const before = endsSoFar()
    await generate(page, 'Attention lets every token look at')
    await waitFor(() => endsSoFar() > before, 'the first run to end')
    await waitForRunState(page, 'ended')
    await waitForSaved(page)
    const original = await chipIds(page)
    expect(original.length).toBeGreaterThan(9)

    const first = await branchAt(page, 3)
    expect(first.slice(0, 3)).toEqual(original.slice(0, 3))
    expect(first[3]).not.toBe(original[3])
    const second = await branchAt(page, 7)
    expect(second.slice(0, 7)).toEqual(first.slice(0, 7))
    expect(second[7]).not.toBe(first[7])

    // One session in the sidebar, holding the three runs under one prompt.
    const rows = page.locator('[data-testid=session-row][data-kind=completion]')
    expect(await rows.count()).toBe(1)
    const summaries = (await watcher.bridge.listSessions()).filter((s) => s.kind === 'completion')
    expect(summaries).toHaveLength(1)
    const saved = await watcher.bridge.loadSession({ id: summaries[0]?.id ?? '' })
    expect(saved.nodes.filter((n) => n.role === 'prompt')).toHaveLength(1)
    expect(saved.nodes.filter((n) => n.role === 'completion')).toHaveLength(3)

    await page.reload()
    await waitForModel(page)
    await switcherAt(page, 7).waitFor()
    expect(await chipIds(page)).toEqual(second)
    expect(await page.inputValue('[data-testid=prompt-input]')).toBe(
      'Attention lets every token look at',
    )
    expect(await switcherAt(page, 3).getAttribute('data-branch-index')).toBe('1')
    expect(await switcherAt(page, 7).getAttribute('data-branch-index')).toBe('1')
    expect(await rows.count()).toBe(1)

    // The inspector works on restored tokens.
    await chips(page).nth(7).click()
    const details = page.locator('[data-testid=token-details][data-token-index="7"]')
    await details.waitFor()
    // The alternatives are listed once the details are drawn, not necessarily in the same frame.
    await expect
      .poll(() => page.locator('[data-testid=alternative-row]').count())
      .toBeGreaterThan(1)

    // Switching works where they diverge: back to the first branch, then to the first run.
    await page.click('[data-testid=branch-prev][data-switch-position="7"]')
    await switcherAt(page, 7).and(page.locator('[data-branch-index="0"]')).waitFor()
    expect(await chipIds(page)).toEqual(first)
    await page.click('[data-testid=branch-prev][data-switch-position="3"]')
    await switcherAt(page, 3).and(page.locator('[data-branch-index="0"]')).waitFor()
    expect(await chipIds(page)).toEqual(original)
    await page.click('[data-testid=branch-next][data-switch-position="3"]')
    await switcherAt(page, 3).and(page.locator('[data-branch-index="1"]')).waitFor()

    // Export: JSON has every branch, Markdown the one on screen. Each branch keeps only its own
    // tokens, under the node it leaves: the shared prefix is stored once.
    const json = JSON.parse(await download(page, 'export-json')) as SessionDocument
    const completions = json.nodes.filter((n) => n.role === 'completion')
    expect(completions.map((n) => n.run?.tokens.map((t) => t.id))).toEqual([
      original,
      first.slice(3),
      second.slice(7),
    ])
    const [root, one, two] = completions
    expect([one?.parentId, one?.forkAt, two?.parentId, two?.forkAt]).toEqual([
      root?.id,
      3,
      one?.id,
      7,
    ])
    expect(completions.map((n) => completionPathTokens(json, n.id).map((t) => t.id))).toEqual([
      original,
      first,
      second,
    ])
    const markdown = await download(page, 'export-markdown')
    expect(markdown).toContain('## Completion')
    expect(markdown.match(/^## Completion$/gm)).toHaveLength(1)

    // Opening it from the sidebar, from another view, brings the whole tree back too.
    await page.locator('[data-testid=nav-chat]').click()
    await rows.first().locator('[data-testid=session-open]').click()
    await page.locator('#completion').waitFor()
    await switcherAt(page, 3).waitFor()
    expect((await chipIds(page)).length).toBeGreaterThan(3)
    await context.close()
  })

  it('keeps a comparison with its columns, settings and tokens across a reload', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-compare]')
    await page.locator('[data-testid=compare-prompt-input]').waitFor()
    await page.fill('[data-testid=compare-prompt-input]', 'The model predicts')
    const settings = (index: number) =>
      page.locator(`[data-testid=compare-column-${index}] [data-testid=column-settings]`)
    for (const [index, temperature] of [
      [0, 0],
      [1, 1.5],
    ] as const) {
      if ((await settings(index).getAttribute('open')) === null)
        await settings(index).locator('summary').click()
      await page.fill(`[data-testid=compare-temperature-input-${index}]`, String(temperature))
      await page.fill(`[data-testid=compare-max-tokens-input-${index}]`, '24')
    }
    await page.locator('[data-testid=compare-generate]:enabled').click()
    const column = (index: number) => page.locator(`[data-testid=compare-column-${index}]`)
    for (const i of [0, 1])
      await column(i)
        .locator('[data-testid=column-state]:text-matches("ended|failed")')
        .waitFor({ timeout: 90_000 })
    await waitForSaved(page)
    const columnIds = (index: number) =>
      column(index)
        .locator('[data-testid=token-chip]')
        .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))
    const tokens = [await columnIds(0), await columnIds(1)]
    expect(tokens[0]?.length).toBeGreaterThan(0)
    const row = page.locator('[data-testid=session-row][data-kind=compare]')
    await row.waitFor()
    expect(await row.count()).toBe(1)

    await page.reload()
    await waitForModel(page)
    await column(1).locator('[data-testid=token-chip]').first().waitFor()
    expect(await page.inputValue('[data-testid=compare-prompt-input]')).toBe('The model predicts')
    expect(await page.inputValue('[data-testid=compare-temperature-input-0]')).toBe('0')
    expect(await page.inputValue('[data-testid=compare-temperature-input-1]')).toBe('1.5')
    expect(await page.inputValue('[data-testid=compare-max-tokens-input-1]')).toBe('24')
    expect([await columnIds(0), await columnIds(1)]).toEqual(tokens)
    expect(await column(0).locator('[data-testid=column-state]').textContent()).toMatch(
      /ended|failed/,
    )
    expect(await row.getAttribute('data-kind')).toBe('compare')

    const json = JSON.parse(await download(page, 'export-json')) as SessionDocument
    expect(json.kind).toBe('compare')
    // One tree: the prompt node, and a node per column under it holding its settings and run.
    const tree = comparisonOf(json.nodes)
    expect(tree?.prompt.text).toBe('The model predicts')
    expect(tree?.columns.map((c) => c.column.settings.sampling.temperature)).toEqual([0, 1.5])
    expect(tree?.columns.map((c) => c.run?.tokens.map((t) => t.id))).toEqual(tokens)
    expect(tree?.columns.every((c) => c.parentId === tree.prompt.id)).toBe(true)

    // Opening it from the sidebar in another view switches to Compare.
    await page.locator('[data-testid=nav-completion]').click()
    await row.locator('[data-testid=session-open]').click()
    await page.locator('[data-testid=compare-prompt-input]').waitFor()
    expect(await columnIds(1)).toEqual(tokens[1])
    await context.close()
  })

  it('keeps a Completion run and a comparison that were still running when the page closed', () =>
    withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await page.locator('[data-testid=nav-completion]').click()
      await setSettings(page, { temperature: 0, 'max-tokens': 8192 })
      await generate(page, 'The context window')
      await chips(page).nth(30).waitFor()
      await page.reload()
      await waitForModel(page)
      await chips(page).first().waitFor()
      expect(await chips(page).count()).toBeGreaterThan(30)
      expect(await page.locator('[data-testid=run-state]').getAttribute('data-stop-reason')).toBe(
        'cancelled',
      )
      expect(await page.inputValue('[data-testid=prompt-input]')).toBe('The context window')

      await page.click('[data-testid=nav-compare]')
      await page.fill('[data-testid=compare-prompt-input]', 'Sampling picks')
      for (const index of [0, 1]) {
        const settings = page.locator(
          `[data-testid=compare-column-${index}] [data-testid=column-settings]`,
        )
        if ((await settings.getAttribute('open')) === null)
          await settings.locator('summary').click()
        await page.fill(`[data-testid=compare-temperature-input-${index}]`, '0')
        await page.fill(`[data-testid=compare-max-tokens-input-${index}]`, '8192')
      }
      await page.locator('[data-testid=compare-generate]:enabled').click()
      const column = (index: number) => page.locator(`[data-testid=compare-column-${index}]`)
      await column(1).locator('[data-testid=token-chip]').nth(30).waitFor()
      await page.reload()
      await waitForModel(page)
      await column(1).locator('[data-testid=token-chip]').first().waitFor()
      expect(await page.inputValue('[data-testid=compare-prompt-input]')).toBe('Sampling picks')
      for (const index of [0, 1]) {
        expect(await column(index).locator('[data-testid=token-chip]').count()).toBeGreaterThan(30)
        expect(
          await column(index).locator('[data-testid=stat-stop-reason]').getAttribute('data-reason'),
        ).toBe('cancelled')
      }
      await context.close()
    }))
})
