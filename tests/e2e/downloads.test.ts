import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import type { DownloadProgress } from '../../src/shared/downloads'
import { startModelServer } from '../helpers/model-server'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { writeSplitDemoModel } from '../helpers/split-model'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
let server: Awaited<ReturnType<typeof startModelServer>>
let client: Awaited<ReturnType<typeof connectBridge>>
const updates: DownloadProgress[] = []

async function connect(): Promise<void> {
  client = await connectBridge(serve)
  client.subscribe({ onDownload: (progress) => updates.push(progress) })
}

/** The model server also plays Hugging Face (HF_ENDPOINT) for hf: addresses. */
const hfEnv = () => ({ HF_ENDPOINT: server.base })

beforeAll(async () => {
  server = await startModelServer()
  serve = await startServe({ env: hfEnv() })
  await connect()
})
afterAll(async () => {
  client.disconnect()
  await Promise.all([serve.stop(), server.close()])
})

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
/** The test server is on 127.0.0.1, so each download confirms the local address, as a user would. */
const local = (url: string) => ({ url, allowLocalHost: true })
const leftovers = (path: string, name: string) =>
  readdirSync(dirname(path)).filter((file) => file.startsWith(`${name}.`))

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
    const started = await client.startDownload(local(server.serve('full.gguf', 'normal')))
    const done = await finished(started.id)
    expect(done.state).toBe('done')
    expect(done.receivedBytes).toBe(server.body.length)
    expect(done.sha256).toBe(sha256(server.body))
    expect(leftovers(done.path, 'full.gguf')).toEqual([])
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

  it('ask before downloading from this computer, and keep the answer for Retry', async () => {
    const url = server.serve('asked.gguf', 'normal')
    const refused = await finished((await client.startDownload({ url })).id)
    expect(refused.state).toBe('failed')
    expect(refused.localHost).toBe('127.0.0.1')
    expect(refused.error?.message).toMatch(/on this computer or its local network/)
    expect(server.hits.get('asked.gguf')).toBeUndefined()
    const confirmed = await finished((await client.startDownload(local(url))).id)
    expect(confirmed.state).toBe('done')
    expect(confirmed.allowLocalHost).toBe(true)
  })

  it('resume after the connection drops halfway, and the partial file is never listed', async () => {
    const url = server.serve('flaky.gguf', 'drop-halfway-once')
    const first = await finished((await client.startDownload(local(url))).id)
    expect(first.state).toBe('failed')
    expect(first.error?.message).toMatch(/^The connection to 127\.0\.0\.1 was lost after/)
    expect(first.error?.hint).toMatch(/Retry/)
    expect(leftovers(first.path, 'flaky.gguf')).toHaveLength(2)
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    expect(listed.map((m) => m.fileName)).not.toContain('flaky.gguf')

    const second = await finished((await client.startDownload(local(url))).id)
    expect(second.state).toBe('done')
    expect(second.resumedFromBytes).toBeGreaterThan(0)
    expect(server.ranges.at(-1)).toBe(`bytes=${second.resumedFromBytes}-`)
    expect(second.sha256).toBe(sha256(server.body))
  })

  it('explain a missing file, a server that lies about the size, and a web page', async () => {
    const missing = await finished(
      (await client.startDownload(local(server.serve('x', 'normal').replace(/x$/, 'nope.gguf'))))
        .id,
    )
    expect(missing.error?.message).toMatch(/^There is no file at http/)
    const liar = await finished(
      (await client.startDownload(local(server.serve('liar.gguf', 'lie-about-size')))).id,
    )
    expect(liar.state).toBe('failed')
    // Bytes still buffered when the server hangs up may be dropped: they are fetched again.
    expect(liar.error?.message).toMatch(/was lost after 2\.\d MB of 5\.4 MB/)
    const page = await finished(
      (await client.startDownload(local(server.serve('page.gguf', 'html')))).id,
    )
    expect(page.error?.message).toMatch(/not a usable GGUF model/)
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    expect(listed.map((m) => m.fileName)).not.toContain('liar.gguf')
    expect(listed.map((m) => m.fileName)).not.toContain('page.gguf')
  })

  it('check the disk space still needed before writing anything', async () => {
    const huge = await finished(
      (await client.startDownload(local(server.serve('petabyte.gguf', 'enormous')))).id,
    )
    expect(huge.state).toBe('failed')
    expect(huge.error?.message).toMatch(/Not enough disk space/)
    expect(huge.error?.hint).toMatch(/Free some space/)
    expect(leftovers(huge.path, 'petabyte.gguf')).toEqual([])
  })

  it('cancel keeps the partial file, starting again resumes, Remove deletes it', async () => {
    const url = server.serve('slow.gguf', 'slow')
    const started = await client.startDownload(local(url))
    await expect
      .poll(() => updates.some((u) => u.id === started.id && u.receivedBytes > 0))
      .toBe(true)
    await client.cancelDownload({ id: started.id })
    const cancelled = await finished(started.id)
    expect(cancelled.state).toBe('cancelled')
    expect(leftovers(cancelled.path, 'slow.gguf')).toHaveLength(2)
    expect(existsSync(cancelled.path)).toBe(false)

    const again = await client.startDownload(local(url))
    await expect
      .poll(() => updates.filter((u) => u.id === again.id).at(-1)?.resumedFromBytes)
      .toBeGreaterThan(0)
    await client.removeDownload({ id: again.id })
    expect(leftovers(cancelled.path, 'slow.gguf')).toEqual([])
    expect(existsSync(cancelled.path)).toBe(false)
    expect((await client.listDownloads()).some((d) => d.id === again.id)).toBe(false)
  })

  it('offer an interrupted download again after the host restarts, and resume it', async () => {
    const url = server.serve('restart.gguf', 'stall-halfway')
    const started = await client.startDownload(local(url))
    await expect
      .poll(() => updates.some((u) => u.id === started.id && u.receivedBytes > 0))
      .toBe(true)
    client.disconnect()
    await serve.kill()
    serve = await startServe({ dataDirectory: serve.dataDirectory, env: hfEnv() })
    await connect()
    const stopped = (await client.listDownloads()).find((d) => d.fileName === 'restart.gguf')
    expect(stopped).toMatchObject({ state: 'cancelled', url, allowLocalHost: true })
    expect(stopped?.receivedBytes).toBeGreaterThan(0)
    server.serve('restart.gguf', 'normal')
    const resumed = await finished((await client.startDownload(local(url))).id)
    expect(resumed.state).toBe('done')
    expect(resumed.resumedFromBytes).toBe(stopped?.receivedBytes)
    expect(resumed.sha256).toBe(sha256(server.body))
  })

  it('refuse addresses that are not model files, and explain malformed hf: ones', async () => {
    await expect(client.startDownload({ url: 'ftp://example.com/a.gguf' })).rejects.toThrow(
      /Only http and https downloads are supported, not ftp/,
    )
    await expect(client.startDownload({ url: 'https://example.com/readme.txt' })).rejects.toThrow(
      /\.gguf/,
    )
    await expect(client.startDownload({ url: 'hf:Qwen/Qwen2.5-GGUF:Q4_K:M' })).rejects.toThrow(
      /does not name a Hugging Face repository/,
    )
    await expect(client.startDownload(local('hf:acme/none-GGUF:Q4_K_M'))).rejects.toThrow(
      /^Hugging Face has no repository acme\/none-GGUF, or it is private\.$/,
    )
  })

  it('download hf:owner/repo:QUANT of a split model whole; it is listed and loads as one', async () => {
    const split = writeSplitDemoModel()
    server.list(
      'api/models/acme/demo-GGUF/tree/main',
      ['demo-Q8_0-00001-of-00002.gguf', 'demo-Q8_0-00002-of-00002.gguf', 'demo-F16.gguf'].map(
        (path) => ({ type: 'file', path }),
      ),
    )
    const parts = [split.first, split.second].map((path) => readFileSync(path))
    parts.forEach((bytes, i) =>
      server.serve(
        `acme/demo-GGUF/resolve/main/demo-Q8_0-0000${i + 1}-of-00002.gguf`,
        'normal',
        bytes,
      ),
    )
    const done = await finished((await client.startDownload(local('hf:acme/demo-GGUF:q8_0'))).id)
    expect(done).toMatchObject({
      state: 'done',
      parts: 2,
      fileName: 'demo-Q8_0-00001-of-00002.gguf',
    })
    expect(done.receivedBytes).toBe(parts[0]!.length + parts[1]!.length)
    const listed = await client.scanModels({ folder: await client.modelsFolder() })
    const names = listed.map((m) => m.fileName).filter((name) => name.startsWith('demo-Q8_0'))
    expect(names).toEqual(['demo-Q8_0-00001-of-00002.gguf'])
    expect(listed.find((m) => m.fileName === names[0])?.parts).toBe(2)
    const info = await client.loadModel({ source: { kind: 'file', path: done.path } })
    expect(info.vocabSize).toBe(2048)
  })

  it('say plainly when the server cannot be found', async () => {
    const offline = await finished(
      (await client.startDownload({ url: 'https://no-such-host.invalid/m.gguf' })).id,
    )
    expect(offline.error?.message).toBe('Could not find the server no-such-host.invalid.')
    expect(offline.error?.hint).toMatch(/online/)
  })

  it('point browser users to the path field instead of a file dialog', async () => {
    await expect(client.pickModelFile()).rejects.toThrow(/desktop app only/)
  })
})
