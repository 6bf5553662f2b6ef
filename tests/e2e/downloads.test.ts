import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import type { DownloadProgress } from '../../src/shared/downloads'
import { startModelServer } from '../helpers/model-server'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
let server: Awaited<ReturnType<typeof startModelServer>>
let client: Awaited<ReturnType<typeof connectBridge>>
const updates: DownloadProgress[] = []

beforeAll(async () => {
  ;[serve, server] = await Promise.all([startServe(), startModelServer()])
  client = await connectBridge(serve)
  client.subscribe({ onDownload: (progress) => updates.push(progress) })
})
afterAll(async () => {
  client.disconnect()
  await Promise.all([serve.stop(), server.close()])
})

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function finished(id: string): Promise<DownloadProgress> {
  await expect
    .poll(() => updates.filter((u) => u.id === id).at(-1)?.state, { timeout: 30_000 })
    .toMatch(/done|failed|cancelled/)
  const last = updates.filter((u) => u.id === id).at(-1)
  if (!last) throw new Error('no progress')
  return last
}

describe('model downloads', () => {
  it('download a model with progress, and the file loads and matches', async () => {
    const started = await client.startDownload({ url: server.serve('full.gguf', 'normal') })
    const done = await finished(started.id)
    expect(done.state).toBe('done')
    expect(done.receivedBytes).toBe(server.body.length)
    expect(done.sha256).toBe(sha256(server.body))
    expect(existsSync(`${done.path}.part`)).toBe(false)
    await client.loadModel({ source: { kind: 'file', path: done.path } })
    const events: RunEvent[] = []
    client.subscribe({ onRunEvent: (event) => events.push(event) })
    const sampling = { temperature: 0, topK: 1, topP: 1, minP: 0, seed: 1 }
    await client.generate({
      runId: 'downloaded',
      prompt: 'A token is',
      sampling,
      maxTokens: 4,
      topN: 5,
    })
    await expect
      .poll(() => events.find((e) => e.kind === 'ended')?.kind, { timeout: 30_000 })
      .toBe('ended')
    expect(events.filter((e) => e.kind === 'tokens').length).toBeGreaterThan(0)
    expect((await client.recentModels())[0]?.path).toBe(done.path)
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    expect(listed.map((m) => m.fileName)).toContain('full.gguf')
  })

  it('resume after the connection drops halfway, and the partial file is never listed', async () => {
    const url = server.serve('flaky.gguf', 'drop-halfway-once')
    const first = await finished((await client.startDownload({ url })).id)
    expect(first.state).toBe('failed')
    expect(first.error?.message).toMatch(/connection failed/)
    expect(first.error?.hint).toMatch(/resumes/)
    expect(existsSync(`${first.path}.part`)).toBe(true)
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    expect(listed.map((m) => m.fileName)).not.toContain('flaky.gguf')

    const second = await finished((await client.startDownload({ url })).id)
    expect(second.state).toBe('done')
    expect(second.resumedFromBytes).toBeGreaterThan(0)
    expect(server.ranges.at(-1)).toBe(`bytes=${second.resumedFromBytes}-`)
    expect(second.sha256).toBe(sha256(server.body))
  })

  it('explain a missing file and a server that lies about the size', async () => {
    const missing = await finished(
      (await client.startDownload({ url: server.serve('x', 'normal').replace(/x$/, 'nope.gguf') }))
        .id,
    )
    expect(missing.error?.message).toMatch(/404/)
    const liar = await finished(
      (await client.startDownload({ url: server.serve('liar.gguf', 'lie-about-size') })).id,
    )
    expect(liar.state).toBe('failed')
    expect(liar.error?.message).toBeTruthy()
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    expect(listed.map((m) => m.fileName)).not.toContain('liar.gguf')
  })

  it('check the disk space still needed before writing anything', async () => {
    const huge = await finished(
      (await client.startDownload({ url: server.serve('petabyte.gguf', 'enormous') })).id,
    )
    expect(huge.state).toBe('failed')
    expect(huge.error?.message).toMatch(/Not enough disk space/)
    expect(huge.error?.hint).toMatch(/Free some space/)
    expect(existsSync(`${huge.path}.part`)).toBe(false)
  })

  it('cancel a download and remove its partial file', async () => {
    const started = await client.startDownload({ url: server.serve('slow.gguf', 'slow') })
    await expect
      .poll(() => updates.some((u) => u.id === started.id && u.receivedBytes > 0))
      .toBe(true)
    await client.cancelDownload({ id: started.id })
    const last = await finished(started.id)
    expect(last.state).toBe('cancelled')
    expect(existsSync(`${last.path}.part`)).toBe(false)
    expect(existsSync(last.path)).toBe(false)
  })

  it('refuse addresses that are not model files', async () => {
    await expect(client.startDownload({ url: 'ftp://example.com/a.gguf' })).rejects.toThrow(
      /http and https/,
    )
    await expect(client.startDownload({ url: 'https://example.com/readme.txt' })).rejects.toThrow(
      /\.gguf/,
    )
  })

  it('point browser users to the path field instead of a file dialog', async () => {
    await expect(client.pickModelFile()).rejects.toThrow(/desktop app only/)
  })
})
