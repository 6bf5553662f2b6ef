import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { WebSocket } from 'ws'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

// Greedy, the demo model loops without ever ending.
const endless = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 7 }

describe('clients of the serve host', () => {
  it('stop their runs when they disconnect, so the next client is not kept waiting', async () => {
    const first = await connectBridge(serve)
    await first.loadModel({ source: { kind: 'demo' } })
    const seen: RunEvent[] = []
    first.subscribe({ onRunEvent: (event) => seen.push(event) })
    await first.generate({
      runId: 'left-behind',
      prompt: 'A token is',
      sampling: endless,
      maxTokens: 8000,
      topN: 5,
    })
    await expect.poll(() => seen.some((e) => e.kind === 'tokens'), { timeout: 30_000 }).toBe(true)
    first.disconnect()

    const second = await connectBridge(serve)
    const events: RunEvent[] = []
    second.subscribe({ onRunEvent: (event) => events.push(event) })
    // The engine accepts a new run only once the abandoned one was cancelled.
    await expect
      .poll(
        () =>
          second
            .generate({
              runId: 'next',
              prompt: 'A token is',
              sampling: endless,
              maxTokens: 3,
              topN: 5,
            })
            .then(
              () => true,
              () => false,
            ),
        { timeout: 30_000 },
      )
      .toBe(true)
    await expect
      .poll(() => events.find((e) => e.runId === 'next' && e.kind === 'ended')?.kind)
      .toBe('ended')
    second.disconnect()
  })

  it('lose only their own connection when they send a message over the size limit', async () => {
    const rogue = new WebSocket(`ws://127.0.0.1:${serve.port}/rpc?token=${serve.token}`)
    await new Promise<void>((resolve, reject) => {
      rogue.once('open', () => resolve())
      rogue.once('error', reject)
    })
    const closed = new Promise<number>((resolve) => rogue.once('close', (code) => resolve(code)))
    rogue.send('x'.repeat(5 * 1024 * 1024))
    // 1009: "message too big"; the host drops this client and carries on.
    expect(await closed).toBe(1009)

    const next = await connectBridge(serve)
    expect((await next.getStatus()).state).toBe('ready')
    next.disconnect()
  })
})
