import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe()
})
afterAll(() => serve.stop())

const endless = { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 7 }

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
})
