import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import {
  openApp,
  startServe,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
  watchEngine,
  withLongContext,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

/** The remote engine: another Tokenscope serving the demo model over its OpenAI-compatible API. */
let peer: ServeProcess
beforeAll(async () => {
  peer = await startServe({ args: ['--api', '--api-port', '0', '--model', 'demo'] })
  if (!peer.api?.key) throw new Error(`the peer printed no API key:\n${peer.output()}`)
  // A long context, so that a long remote run is still streaming when a test stops or kills it.
  const control = await watchEngine(peer)
  try {
    await control.bridge.loadModel({ source: { kind: 'demo' }, contextSize: 32_768 })
  } finally {
    control.close()
  }
})
afterAll(async () => {
  await peer?.stop()
})

const remoteModel = 'tokenscope-demo.gguf'
const column = (page: Page, index: number) => page.locator(`[data-testid=compare-column-${index}]`)

async function addPeerInModels(page: Page): Promise<void> {
  await page.click('[data-testid=nav-models]')
  const panel = page.locator('[data-testid=remote-panel]')
  await panel.locator('[data-testid=remote-url]').fill(peer.api?.url ?? '')
  await panel.locator('[data-testid=remote-key]').fill(peer.api?.key ?? '')
  await panel.locator('[data-testid=remote-add]').click()
  await panel.locator('[data-testid=remote-model]', { hasText: remoteModel }).waitFor()
}

/** Compare with column 1 on the local model and column 2 on the peer's model. */
async function mixedPair(page: Page, prompt: string, maxTokens: [number, number]) {
  await page.click('[data-testid=nav-compare]')
  await page.fill('[data-testid=compare-prompt-input]', prompt)
  const engine = page.locator('[data-testid=compare-engine-1]')
  await engine.locator('option', { hasText: remoteModel }).waitFor({ state: 'attached' })
  await engine.selectOption({ label: remoteModel })
  await column(page, 1).locator('[data-testid=column-engine][data-engine=remote]').waitFor()
  expect(await page.locator('[data-testid=compare-engine-0]').inputValue()).toBe('local')
  await column(page, 0).locator('[data-testid=column-engine][data-engine=local]').waitFor()
  for (const [i, max] of maxTokens.entries()) {
    await page.fill(`[data-testid=compare-temperature-input-${i}]`, '0')
    await page.fill(`[data-testid=compare-max-tokens-input-${i}]`, String(max))
  }
}

/** The runs started since `from`: the local batch's carry the prompt's tokens, a remote one none. */
function startedSince(from: number) {
  const started = watcher.events.slice(from).flatMap((e) => (e.kind === 'started' ? [e] : []))
  const local = started.filter((e) => e.prompt.length > 0)
  const remote = started.filter((e) => e.prompt.length === 0)
  return { local, remote }
}

function runOf(runId: string) {
  const mine = watcher.events.filter((e) => e.runId === runId)
  const tokens = mine.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
  const end = mine.find((e) => e.kind === 'ended' || e.kind === 'failed') as
    Extract<RunEvent, { kind: 'ended' | 'failed' }> | undefined
  return { tokens, end }
}

const chipProbs = (page: Page, index: number) =>
  column(page, index)
    .locator('[data-testid=token-chip]')
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-model-prob'))))

describe('Compare with a local column beside a remote one', () => {
  it('runs both at once; the remote chips carry the server’s numbers and unreported stats say so', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await addPeerInModels(page)
    await mixedPair(page, 'A token is', [24, 24])
    const before = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    for (const i of [0, 1])
      await column(page, i).locator('[data-testid=column-state]:text-is("ended")').waitFor()

    const { local, remote } = startedSince(before)
    expect(local.length).toBe(1)
    expect(remote.length).toBe(1)
    const localRun = runOf(local[0]!.runId)
    const remoteRun = runOf(remote[0]!.runId)
    expect(localRun.end?.kind).toBe('ended')
    expect(remoteRun.end?.kind).toBe('ended')
    expect(localRun.tokens.length).toBeGreaterThan(3)
    expect(remoteRun.tokens.length).toBeGreaterThan(3)
    expect(localRun.tokens.every((t) => t.reported === undefined)).toBe(true)
    expect(remoteRun.tokens.every((t) => t.reported?.modelProb === true)).toBe(true)

    // Each column's chips are its own run's, the remote one's the server's reported numbers.
    expect(await chipProbs(page, 0)).toEqual(localRun.tokens.map((t) => t.modelProb))
    expect(await chipProbs(page, 1)).toEqual(remoteRun.tokens.map((t) => t.modelProb))

    // Statistics on what was measured; entropy is not guessed from a head of 20.
    const stat = (i: number, id: string) =>
      column(page, i).locator(`[data-testid=stat-${id}]`).textContent()
    expect(await stat(0, 'entropy')).toMatch(/bits$/)
    expect(await stat(1, 'entropy')).toBe('not reported')
    expect(await stat(1, 'perplexity')).toMatch(/^\d+\.\d\d$/)
    expect(await stat(1, 'tokens')).toBe(String(remoteRun.tokens.length))

    // The inspector of a remote chip says what the server did not send.
    await column(page, 1).locator('[data-testid=token-chip]').nth(1).click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    expect(await inspector.locator('[data-testid=detail-entropy]').textContent()).toBe(
      'not reported',
    )
    expect(
      Number(await inspector.locator('[data-testid=detail-model-prob]').getAttribute('data-value')),
    ).toBe(remoteRun.tokens[1]!.modelProb)

    // Reopened, the comparison still knows which column ran where.
    await page.reload()
    await page.click('[data-testid=nav-compare]')
    await column(page, 1).locator('[data-testid=column-engine][data-engine=remote]').waitFor()
    await column(page, 0).locator('[data-testid=column-engine][data-engine=local]').waitFor()
    await context.close()
  })

  it('stops every column, local and remote, with one Stop', async () => {
    await withLongContext(watcher, async () => {
      const { context, page } = await openApp(browser, serve.url)
      await mixedPair(page, 'A token is', [8192, 8192])
      const before = watcher.events.length
      await page.locator('[data-testid=compare-generate]:enabled').click()
      await expect
        .poll(() => {
          const { local, remote } = startedSince(before)
          return [...local, ...remote].map((s) => runOf(s.runId).tokens.length > 2)
        })
        .toEqual([true, true])
      await page.locator('[data-testid=compare-stop]').click()
      for (const i of [0, 1]) {
        const reason = column(page, i).locator('[data-testid=stat-stop-reason]')
        await column(page, i).locator('[data-testid=column-state]:text-is("ended")').waitFor()
        expect(await reason.getAttribute('data-reason')).toBe('cancelled')
      }
      await context.close()
    })
  })

  it('keeps a remote column’s partial tokens and error when its server dies, then says it is unreachable; the local column runs on', async () => {
    const { context, page } = await openApp(browser, serve.url)
    // The endpoint added by the test before is saved in the host.
    await mixedPair(page, 'A token is', [16, 8192])
    const before = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    // Greedy on the demo model circles through its corpus, so the remote run is long.
    await expect
      .poll(() => {
        const { remote } = startedSince(before)
        return remote[0] ? runOf(remote[0].runId).tokens.length : 0
      })
      .toBeGreaterThan(2)
    await peer.kill()

    const failed = column(page, 1)
    await failed.locator('[data-testid=column-state]:text-is("failed")').waitFor()
    expect(await failed.locator('[data-testid=column-error]').textContent()).toMatch(
      /was cut after \d+ tokens? .*the partial reply is kept/,
    )
    const { remote } = startedSince(before)
    const remoteRun = runOf(remote[0]!.runId)
    expect(remoteRun.end?.kind).toBe('failed')
    expect(remoteRun.tokens.length).toBeGreaterThan(2)
    expect(await chipProbs(page, 1)).toEqual(remoteRun.tokens.map((t) => t.modelProb))

    const ended = column(page, 0)
    // The host's events tell when the local run ended: read once, they can be a moment behind
    // the remote column's failure (CI once found no local run started yet).
    await expect
      .poll(() => startedSince(before).local.map((s) => runOf(s.runId).end))
      .toMatchObject([{ kind: 'ended', reason: 'max-tokens' }])
    await ended.locator('[data-testid=column-state]:text-is("ended")').waitFor()
    expect(await ended.locator('[data-testid=column-error]').count()).toBe(0)
    expect(await ended.locator('[data-testid=token-chip]').count()).toBe(16)

    // Generated again, the server is unreachable: that column says so, the local one still runs.
    const again = watcher.events.length
    await page.locator('[data-testid=compare-generate]:enabled').click()
    // The column was failed already (the cut stream): its new error is what tells.
    await expect
      .poll(() => failed.locator('[data-testid=column-error]').textContent())
      .toMatch(/^Could not reach .*connection was refused/)
    expect(await failed.locator('[data-testid=column-state]').textContent()).toBe('failed')
    expect(await failed.locator('[data-testid=token-chip]').count()).toBe(0)
    await expect
      .poll(() => startedSince(again).local.map((s) => runOf(s.runId).end?.kind))
      .toEqual(['ended'])
    await ended.locator('[data-testid=column-state]:text-is("ended")').waitFor()
    expect(await ended.locator('[data-testid=token-chip]').count()).toBe(16)
    await context.close()
  })
})
