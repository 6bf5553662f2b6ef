import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
beforeAll(async () => {
  serve = await startServe({
    args: ['--api', '--api-port', '0', '--api-no-sessions', '--model', 'demo'],
  })
})
afterAll(() => serve?.stop())

describe('the API with recording turned off (--api-no-sessions)', () => {
  it('answers without saving a session', async () => {
    const client = new OpenAI({ baseURL: serve.api?.url, apiKey: serve.api?.key, maxRetries: 0 })
    const completion = await client.completions.create({
      model: 'm',
      prompt: 'A token is',
      max_tokens: 4,
      seed: 1,
    })
    expect(completion.choices[0]?.finish_reason).toBe('length')
    const bridge = await connectBridge(serve)
    expect(await bridge.listSessions()).toEqual([])
    bridge.disconnect()
    // The request log line follows the answer.
    await expect
      .poll(() => serve.output())
      .toMatch(/POST \/v1\/completions 200 in \d+ ms, \d+ prompt \+ 4 completion tokens/)
  })

  it('keeps the key it showed once, hashed, and shows it no more', async () => {
    const restarted = await startServe({
      dataDirectory: serve.dataDirectory,
      args: ['--api', '--api-port', '0', '--api-no-sessions'],
    })
    try {
      expect(restarted.api?.key).toBe('')
      expect(restarted.output()).toMatch(/API key: the one shown when it was made/)
      const client = new OpenAI({
        baseURL: restarted.api?.url,
        apiKey: serve.api?.key,
        maxRetries: 0,
      })
      expect((await client.models.list()).data).toEqual([])
    } finally {
      await restarted.stop()
    }
  })
})
