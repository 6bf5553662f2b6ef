import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import type { SessionDocument } from '../../src/shared/sessions'
import { completionSession, fakeToken } from '../helpers/session-fixture'
import { settledFramesAfterClick } from './settled-frames'
import {
  openApp,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
  waitForModel,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const tokenCount = 3000
const alternatives = 10

/**
 * Token i, its first alternative's model probability telling it apart from every other token;
 * every 40th ends a line, as text does (the view draws a long run in parts that end at lines).
 */
function token(i: number): GeneratedToken {
  const t = fakeToken(i, alternatives)
  t.alternatives[0]!.modelProb = 0.3 - i * 1e-6
  if (i % 40 === 39) t.text += '\n'
  return t
}

/** A long Completion run saved by an earlier version, as the host finds it on disk. */
function writeLongSession(id: string): GeneratedToken[] {
  const tokens = Array.from({ length: tokenCount }, (_, i) => token(i))
  const doc = completionSession(id, tokens, {
    prompt: 'A token is',
    topN: alternatives,
    title: 'A long saved run',
  })
  const folder = join(serve.dataDirectory, 'sessions')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `${id}.json`), JSON.stringify(doc))
  return tokens
}

async function openSaved(page: Page, id: string) {
  await page
    .locator(`[data-testid=session-row][data-session-id="${id}"] [data-testid=session-open]`)
    .click()
  await page.locator('[data-testid=token-chip][data-index="0"]').waitFor()
}

async function inspect(page: Page, index: number) {
  const chip = page.locator(`[data-testid=token-chip][data-index="${index}"]`)
  await chip.scrollIntoViewIfNeeded()
  await chip.click()
  return page.locator(`[data-testid=token-details][data-token-index="${index}"]`)
}

describe('a long saved session, opened page by page', () => {
  it("shows a token near the end with its own alternatives and the Lab's bars", async () => {
    const tokens = writeLongSession('long-paged')
    const { context, page } = await openApp(browser, serve.url)
    await openSaved(page, 'long-paged')
    const index = tokenCount - 3
    const inspector = await inspect(page, index)
    const rows = inspector.locator('[data-testid=alternative-row]')
    await expect.poll(() => rows.count()).toBe(alternatives)
    const expected = tokens[index]!.alternatives
    expect(
      await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-token-id'))),
    ).toEqual(expected.map((a) => String(a.id)))
    expect(Number(await rows.first().getAttribute('data-model-prob'))).toBe(expected[0]!.modelProb)
    await expect.poll(() => page.locator('[data-testid=token-page-state]').count()).toBe(0)

    // The one before, reached with the keys, is another page's neighbour: its own numbers too.
    await page.locator('[data-testid=inspector-prev]').click()
    const before = page.locator(`[data-testid=token-details][data-token-index="${index - 1}"]`)
    await expect
      .poll(async () =>
        Number(
          await before
            .locator('[data-testid=alternative-row]')
            .first()
            .getAttribute('data-model-prob'),
        ),
      )
      .toBe(tokens[index - 1]!.alternatives[0]!.modelProb)

    await page.locator('[data-testid=inspector-tab-lab]').click()
    await expect.poll(() => page.locator('[data-testid=lab-bar-before]').count()).toBeGreaterThan(0)
    await context.close()
  })

  it("asks for the inspected token's page first, whatever the background has read", async () => {
    const tokens = writeLongSession('long-first')
    const index = tokenCount - 2
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    // Every page of alternatives but the inspected token's is held back: the background never
    // gets far, so what the inspector shows came from its own request.
    const held: (() => void)[] = []
    await page.routeWebSocket(/\/rpc/, (ws) => {
      const server = ws.connectToServer()
      ws.onMessage((message) => {
        const call = JSON.parse(String(message)) as {
          m?: string
          a?: { from: number; to: number }[]
        }
        const range = call.m === 'loadSessionPage' ? call.a?.[0] : undefined
        if (range && !(range.from <= index && index < range.to))
          held.push(() => server.send(message))
        else server.send(message)
      })
      server.onMessage((message) => ws.send(message))
    })
    await page.goto(serve.url)
    await openSaved(page, 'long-first')
    await expect.poll(() => held.length).toBeGreaterThan(0)
    const inspector = await inspect(page, index)
    const rows = inspector.locator('[data-testid=alternative-row]')
    await expect.poll(() => rows.count()).toBe(alternatives)
    expect(Number(await rows.first().getAttribute('data-model-prob'))).toBe(
      tokens[index]!.alternatives[0]!.modelProb,
    )

    // A token whose page is still held says so, and shows its alternatives once the page comes.
    await inspect(page, 1)
    const state = page.locator('[data-testid=token-page-state]')
    await expect.poll(() => state.textContent()).toMatch(/Loading this token's alternatives/)
    for (const send of held.splice(0)) send()
    await expect
      .poll(() =>
        page
          .locator(
            '[data-testid=token-details][data-token-index="1"] [data-testid=alternative-row]',
          )
          .count(),
      )
      .toBe(alternatives)
    await context.close()
  })

  it('opens at its end and draws the earlier tokens above it, the end never leaving the view', async () => {
    writeLongSession('long-end')
    const { context, page } = await openApp(browser, serve.url)
    const row = `[data-testid=session-row][data-session-id="long-end"] [data-testid=session-open]`
    await page.locator(row).waitFor()
    const chip = (index: number) => `[data-testid=token-chip][data-index="${index}"]`
    const frames = await settledFramesAfterClick(page, {
      click: row,
      count: '[data-testid=token-chip]',
      end: chip(tokenCount - 1),
      box: '[role=group]',
      edge: 'whole',
      done: chip(0),
    })
    expect(frames.length).toBeGreaterThan(1)
    expect(frames.filter((f) => !f.endInView)).toEqual([])
    await context.close()
  })

  it('exports the whole session after opening it from its outline', async () => {
    const tokens = writeLongSession('long-export')
    const { context, page } = await openApp(browser, serve.url)
    await openSaved(page, 'long-export')
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-json]'),
    ])
    const saved = JSON.parse(readFileSync(await file.path(), 'utf8')) as SessionDocument
    const run = saved.nodes.find((n) => n.id === 'c')?.run
    expect(run?.tokens.at(-1)?.alternatives).toEqual(tokens.at(-1)?.alternatives)
    await context.close()
  })

  it('branches from a reopened comparison into a Completion session that holds every alternative', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'A token is')
    const column = page.locator('[data-testid=compare-column-1]')
    const settings = column.locator('[data-testid=column-settings]')
    if ((await settings.getAttribute('open')) === null) await settings.locator('summary').click()
    await page.fill('[data-testid=compare-max-tokens-input-1]', '24')
    // Greedy: the demo model then writes all 24 tokens (a sampled reply may end after three, and
    // the test branches at the fourth).
    await page.fill('[data-testid=compare-temperature-input-1]', '0')
    await page.locator('[data-testid=compare-generate]:enabled').click()
    for (const i of [0, 1])
      await page
        .locator(
          `[data-testid=compare-column-${i}] [data-testid=column-state]:text-matches("ended|failed")`,
        )
        .waitFor({ timeout: 90_000 })
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor()
    const comparison = (await watcher.bridge.listSessions()).find((s) => s.kind === 'compare')
    const columnRun = async () =>
      (await watcher.bridge.loadSession({ id: comparison!.id })).nodes.find(
        (n) => n.column?.key === 'c2',
      )?.run
    // The host records the runs as they pass: the last batch may land just after the page's save.
    const shown = await column.locator('[data-testid=token-chip]').count()
    expect(shown).toBeGreaterThan(4)
    await expect.poll(async () => (await columnRun())?.tokens.length).toBe(shown)
    const recorded = await columnRun()

    // After a reload the comparison comes back from its outline, its alternatives page by page.
    await page.reload()
    await waitForModel(page)
    await column.locator('[data-testid=token-chip]').nth(3).click()
    const pick = page
      .locator(
        '[data-testid=token-details][data-pinned=true] [data-testid=branch-from-alternative]:enabled',
      )
      .first()
    await pick.click()
    await page.locator('[data-testid=run-state]:text-matches("ended|failed")').waitFor({
      timeout: 90_000,
    })
    await page.locator('[data-testid=save-state][data-state=saved]').waitFor()
    const made = (await watcher.bridge.listSessions()).find((s) => s.kind === 'completion')
    const branched = await watcher.bridge.loadSession({ id: made!.id })
    const first = branched.nodes.find((n) => n.role === 'completion' && n.origin !== 'branch')
    expect(first?.run?.tokens.map((t) => t.alternatives)).toEqual(
      recorded?.tokens.map((t) => t.alternatives),
    )
    await context.close()
  })
})
