import { createServer, type Server } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
let bridge: Awaited<ReturnType<typeof connectBridge>>
beforeAll(async () => {
  serve = await startServe()
  bridge = await connectBridge(serve)
})
afterAll(async () => {
  bridge?.disconnect()
  await serve?.stop()
})

/** What a client gets for GET /v1/models: the status, or the network error's code. */
async function listModels(url: string, key: string): Promise<number | string> {
  try {
    const response = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${key}` } })
    return response.status
  } catch (error) {
    return ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? 'failed'
  }
}

describe('turning the API on and off from the app (the Server panel’s calls)', () => {
  let url = ''
  let firstKey = ''

  it('is off until asked, then listens with a key it returns once', async () => {
    expect((await bridge.getApiServer()).state).toBe('off')
    const change = await bridge.setApiServer({ on: true, port: 0 })
    expect(change.status.state).toBe('listening')
    expect(change.status.hasKey).toBe(true)
    expect(change.newKey).toMatch(/^ts-/)
    url = change.status.url ?? ''
    firstKey = change.newKey ?? ''
    expect(await listModels(url, firstKey)).toBe(200)
    expect(await listModels(url, 'ts-wrong')).toBe(401)

    // Off and on again: the same key, not shown a second time.
    await bridge.setApiServer({ on: false })
    expect(await listModels(url, firstKey)).toBe('ECONNREFUSED')
    const again = await bridge.setApiServer({ on: true, port: 0 })
    expect(again.newKey).toBeNull()
    url = again.status.url ?? ''
    expect(await listModels(url, firstKey)).toBe(200)
  })

  it('replaces the key: the old one is refused at once, the new one works', async () => {
    const renewed = await bridge.renewApiKey()
    expect(renewed.newKey).toMatch(/^ts-/)
    expect(renewed.newKey).not.toBe(firstKey)
    url = renewed.status.url ?? ''
    expect(await listModels(url, firstKey)).toBe(401)
    expect(await listModels(url, renewed.newKey ?? '')).toBe(200)
    firstKey = renewed.newKey ?? ''
    const settings = readFileSync(join(serve.dataDirectory, 'api-settings.json'), 'utf8')
    expect(settings).not.toContain(firstKey)
  })

  it('refuses a bad port or a busy one with a readable message, and keeps running', async () => {
    await bridge.setApiServer({ on: false })
    await expect(bridge.setApiServer({ on: true, port: 70000 })).rejects.toThrow(
      /whole number from 0 to 65535/,
    )
    const taken: Server = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const busyPort = (taken.address() as { port: number }).port
    try {
      await expect(bridge.setApiServer({ on: true, port: busyPort })).rejects.toThrow(
        `Port ${busyPort} is already in use by another program.`,
      )
    } finally {
      taken.close()
    }
    expect((await bridge.getApiServer()).state).toBe('off')
    const back = await bridge.setApiServer({ on: true, port: 0, recording: false })
    expect(back.status).toMatchObject({ state: 'listening', recording: false })
    url = back.status.url ?? ''
  })

  it('is on again after a restart, with the same key and settings', async () => {
    bridge.disconnect()
    await serve.stop()
    serve = await startServe({ dataDirectory: serve.dataDirectory })
    bridge = await connectBridge(serve)
    const status = await bridge.getApiServer()
    expect(status).toMatchObject({ state: 'listening', recording: false, hasKey: true })
    expect(serve.output()).toMatch(
      /OpenAI-compatible API \(left on in Models → Server\): http:\/\/127\.0\.0\.1:\d+\/v1/,
    )
    expect(await listModels(status.url ?? '', firstKey)).toBe(200)
  })
})
