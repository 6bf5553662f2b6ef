import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
let bridge: Awaited<ReturnType<typeof connectBridge>>
beforeAll(async () => {
  serve = await startServe({ args: ['--model', 'demo'] })
  bridge = await connectBridge(serve)
})
afterAll(async () => {
  bridge?.disconnect()
  await serve?.stop()
})

const matching = 'Matching the chat template'

async function chatCompletion(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'demo',
      messages: [{ role: 'user', content: 'What is a token?' }],
      max_tokens: 1,
    }),
  })
  await response.text()
  return response.status
}

describe('the API prepares the model’s chat template before its first chat request', () => {
  it('matches it when the API goes on with a model loaded, and again after the model is loaded anew', async () => {
    const blockedBy: (string | null)[] = []
    bridge.subscribe({ onStatus: (status) => blockedBy.push(status.blockedBy) })
    await vi.waitFor(
      async () => {
        const status = await bridge.getStatus()
        expect(status.state).toBe('ready')
        expect(status.model?.isDemo).toBe(true)
      },
      { timeout: 60_000, interval: 100 },
    )
    // With the API off nothing asks for the template.
    expect(blockedBy).not.toContain(matching)

    const change = await bridge.setApiServer({ on: true, port: 0 })
    const matched = () => {
      expect(blockedBy).toContain(matching)
      expect(blockedBy.at(-1)).toBeNull()
    }
    await vi.waitFor(matched, { timeout: 30_000, interval: 50 })
    const before = blockedBy.length
    expect(await chatCompletion(change.status.url ?? '', change.newKey ?? '')).toBe(200)
    expect(blockedBy.slice(before)).not.toContain(matching)

    await bridge.unloadModel()
    blockedBy.length = 0
    await bridge.loadModel({ source: { kind: 'demo' } })
    await vi.waitFor(matched, { timeout: 30_000, interval: 50 })
    await bridge.setApiServer({ on: false })
  })
})
