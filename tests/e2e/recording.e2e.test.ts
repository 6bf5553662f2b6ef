import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { EngineBridge } from '../../src/shared/bridge'
import type { RunEvent } from '../../src/shared/contract'
import { newSession } from '../../src/shared/conversation'
import { defaultSampling } from '../../src/shared/schemas'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'
import { setSettings, useAppUnderTest, waitForModel } from './helpers'

let serve: ServeProcess
let browser: Browser
useAppUnderTest((app) => ({ serve, browser } = app))

const tokens = 2000
const alternatives = 20

/** Every token the engine sent for the first run it reports, with when each batch arrived. */
function watchRun(bridge: EngineBridge) {
  let runId: string | null = null
  const ids: number[] = []
  const arrivals: { at: number; count: number }[] = []
  let resolveEnd: (event: RunEvent) => void = () => undefined
  const ended = new Promise<RunEvent>((resolve) => (resolveEnd = resolve))
  bridge.subscribe({
    onRunEvent: (event) => {
      runId ??= event.runId
      if (event.runId !== runId) return
      if (event.kind === 'tokens') {
        ids.push(...event.tokens.map((t) => t.id))
        arrivals.push({ at: Date.now(), count: ids.length })
      }
      if (event.kind === 'ended' || event.kind === 'failed') resolveEnd(event)
    },
  })
  /** How many tokens had arrived by time `at`. */
  const countBy = (at: number) => arrivals.filter((a) => a.at <= at).at(-1)?.count ?? 0
  return { ids, ended, countBy }
}

describe('the host records runs as they stream', () => {
  it('keeps every token the engine sent when the page closes mid-run (2,000 × 20 alternatives)', async () => {
    const watcher = await connectBridge(serve)
    const run = watchRun(watcher)
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    await context.addInitScript(
      `if (!localStorage.getItem('tokenscope.inspector')) localStorage.setItem('tokenscope.inspector', '{"topN":${alternatives}}')`,
    )
    const page = await context.newPage()
    await page.goto(serve.url)
    await waitForModel(page)
    await page.locator('[data-testid=nav-completion]').click()
    await setSettings(page, { 'max-tokens': tokens, temperature: 0 })
    await page.fill('[data-testid=prompt-input]', 'A token is')
    await page.locator('[data-testid=generate-button]:enabled').click()
    // Waited for on the host's stream, not on the page's chips: the page draws at most every
    // 50 ms, and the fast engine's native loop can finish all 2,000 tokens meanwhile.
    await page.locator('[data-testid=token-chip]').first().waitFor({ state: 'attached' })
    await vi.waitFor(() => expect(run.ids.length).toBeGreaterThan(200), {
      interval: 2,
      timeout: 60_000,
    })

    // Leaving the page stops its run; whatever the engine sent until then is the session's.
    await page.goto('about:blank')
    const end = await run.ended
    expect(end.kind === 'ended' && end.reason).toBe('cancelled')
    expect(run.ids.length).toBeGreaterThan(200)

    const [summary] = await watcher.listSessions()
    const doc = await watcher.loadSession({ id: summary?.id ?? '' })
    const saved = doc.nodes.find((n) => n.role === 'completion')?.run
    expect(saved?.tokens.map((t) => t.id)).toEqual(run.ids)
    expect(saved?.tokens.every((t) => t.alternatives.length === alternatives)).toBe(true)
    expect(saved?.stopReason).toBe('cancelled')

    // Opened again, the page shows the run as it was recorded.
    await page.goto(serve.url)
    await waitForModel(page)
    await page
      .locator(`[data-testid=token-chip][data-index="${run.ids.length - 1}"]`)
      .waitFor({ state: 'attached' })
    await expect.poll(() => page.locator('[data-testid=token-chip]').count()).toBe(run.ids.length)
    watcher.disconnect()
    await context.close()
  })
})

describe('a host killed mid-run', () => {
  let first: ServeProcess | null = null
  let second: ServeProcess | null = null
  afterAll(async () => {
    await first?.stop()
    await second?.stop()
  })

  it('keeps what it had received up to a second before it died, stopped there', async () => {
    // The prebuilt binary's step-by-step loop: the fast binary's native loop can make all 2,000
    // tokens within the second this test needs the run to outlast.
    first = await startServe({ env: { TOKENSCOPE_ENGINE_BINARY: 'prebuilt' } })
    const client = await connectBridge(first)
    await client.loadModel({ source: { kind: 'demo' } })
    const run = watchRun(client)
    const now = new Date().toISOString()
    const doc = newSession({
      id: 'killed-mid-run',
      kind: 'completion',
      model: null,
      settings: { sampling: defaultSampling, maxTokens: tokens, topN: 10 },
      now,
    })
    await client.updateSession({
      id: doc.id,
      intents: [
        {
          type: 'created',
          document: {
            ...doc,
            nodes: [
              {
                id: 'p',
                parentId: null,
                role: 'prompt',
                text: 'The model',
                run: null,
                createdAt: now,
              },
              { id: 'c', parentId: 'p', role: 'completion', text: '', run: null, createdAt: now },
            ],
            currentLeafId: 'c',
          },
        },
      ],
    })
    await client.generate({
      runId: 'run-to-kill',
      prompt: 'The model',
      sampling: { ...defaultSampling, temperature: 0 },
      maxTokens: tokens,
      topN: 10,
      record: { sessionId: doc.id, target: { nodeId: 'c' } },
    })
    // Streams until over 100 tokens are more than a second old, then the host dies unwarned.
    await expect
      .poll(() => run.countBy(Date.now() - 1000), { timeout: 60_000 })
      .toBeGreaterThan(100)
    const killedAt = Date.now()
    await first.kill()

    second = await startServe({ dataDirectory: first.dataDirectory })
    const reader = await connectBridge(second)
    const saved = (await reader.loadSession({ id: doc.id })).nodes.find((n) => n.id === 'c')?.run
    const kept = saved?.tokens.map((t) => t.id) ?? []
    expect(kept.length).toBeGreaterThanOrEqual(run.countBy(killedAt - 1000))
    expect(kept.length).toBeLessThanOrEqual(run.ids.length)
    expect(kept).toEqual(run.ids.slice(0, kept.length))
    expect(saved?.stopReason).toBe('cancelled')
    reader.disconnect()
  })
})
