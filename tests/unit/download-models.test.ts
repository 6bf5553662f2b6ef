import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DownloadProgress } from '../../src/shared/downloads'
import { createDownloadManager } from '../../src/main/host/download-manager'
import { splitPartUrls } from '../../src/main/host/download-parts'
import { startModelServer } from '../helpers/model-server'
import { writeSplitDemoModel } from '../helpers/split-model'

let server: Awaited<ReturnType<typeof startModelServer>>
const split = writeSplitDemoModel()
const [first, second] = [readFileSync(split.first), readFileSync(split.second)]
beforeAll(async () => {
  server = await startModelServer()
  // The seam that huggingface_hub and llama.cpp read too: a fake Hugging Face on loopback.
  process.env.HF_ENDPOINT = server.base
})
afterAll(async () => {
  delete process.env.HF_ENDPOINT
  delete process.env.HF_TOKEN
  await server.close()
})

function manager() {
  const folder = mkdtempSync(join(tmpdir(), 'tokenscope-models-'))
  const updates: DownloadProgress[] = []
  const downloads = createDownloadManager(folder, (p) => updates.push(p))
  async function run(url: string): Promise<DownloadProgress> {
    const { id } = await downloads.startDownload({ url, allowLocalHost: true })
    await expect
      .poll(() => updates.filter((u) => u.id === id).at(-1)?.state, { timeout: 20_000 })
      .toMatch(/done|failed|cancelled/)
    return updates.filter((u) => u.id === id).at(-1) as DownloadProgress
  }
  return { folder, updates, downloads, run }
}

const tree = (...paths: string[]) => paths.map((path) => ({ type: 'file', path, size: 1 }))

describe('split models', () => {
  it('name every part from any one of them', () => {
    const parts = splitPartUrls(new URL('https://h.test/r/m-Q8_0-00002-of-00003.gguf?x=1'))
    expect(parts.map((u) => u.pathname)).toEqual([
      '/r/m-Q8_0-00001-of-00003.gguf',
      '/r/m-Q8_0-00002-of-00003.gguf',
      '/r/m-Q8_0-00003-of-00003.gguf',
    ])
    expect(splitPartUrls(new URL('https://h.test/m-00004-of-00003.gguf'))).toHaveLength(1)
  })

  it('download every part into one row with the whole model’s progress, resuming each', async () => {
    const { folder, updates, run } = manager()
    server.serve('sp/demo-00001-of-00002.gguf', 'drop-halfway-once', first)
    const url = server.serve('sp/demo-00002-of-00002.gguf', 'normal', second)
    const total = first.length + second.length
    // The first part drops halfway: the row fails after the second part is complete.
    const failed = await run(url)
    expect(failed.state).toBe('failed')
    expect(failed.parts).toBe(2)
    expect(failed.fileName).toBe('demo-00001-of-00002.gguf')
    expect(failed.receivedBytes).toBeGreaterThanOrEqual(second.length)
    const secondHits = server.hits.get('sp/demo-00002-of-00002.gguf')
    const done = await run(url)
    expect(done.state).toBe('done')
    expect(done.totalBytes).toBe(total)
    expect(done.receivedBytes).toBe(total)
    expect(done.resumedFromBytes).toBeGreaterThan(second.length)
    // The finished second part was not fetched again; the first resumed from its partial file.
    expect(server.hits.get('sp/demo-00002-of-00002.gguf')).toBe(secondHits)
    expect(server.ranges.at(-1)).toMatch(/^bytes=\d+-$/)
    expect(readFileSync(join(folder, 'demo-00001-of-00002.gguf')).equals(first)).toBe(true)
    expect(readFileSync(join(folder, 'demo-00002-of-00002.gguf')).equals(second)).toBe(true)
    expect(readdirSync(folder).sort()).toEqual([
      'demo-00001-of-00002.gguf',
      'demo-00002-of-00002.gguf',
    ])
    // One row throughout, its total known from the start and its progress never going back.
    const rows = updates.filter((u) => u.id === done.id && u.state === 'downloading')
    expect(rows.every((u) => u.totalBytes === null || u.totalBytes === total)).toBe(true)
    const received = rows.map((u) => u.receivedBytes)
    expect(received).toEqual([...received].sort((a, b) => a - b))
  })

  it('remove an unfinished split download with all its files', async () => {
    const { folder, downloads, run } = manager()
    server.serve('rm/demo-00001-of-00002.gguf', 'html')
    const url = server.serve('rm/demo-00002-of-00002.gguf', 'normal', second)
    const failed = await run(url)
    expect(failed.state).toBe('failed')
    expect(existsSync(join(folder, 'demo-00002-of-00002.gguf'))).toBe(true)
    await downloads.removeDownload({ id: failed.id })
    expect(readdirSync(folder)).toEqual([])
  })
})

describe('hf:owner/repo:QUANT', () => {
  const repo = 'api/models/acme/tiny-GGUF/tree/main'
  it('resolve to the one file of that quantization, as llama.cpp -hf does', async () => {
    server.list(repo, [
      ...tree('README.md', 'tiny-Q4_K_M.gguf', 'tiny-Q8_0.gguf', 'mmproj-tiny-Q4_K_M.gguf'),
      { type: 'directory', path: 'old' },
    ])
    server.serve('acme/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf', 'normal')
    const { folder, run } = manager()
    const done = await run('hf:acme/tiny-GGUF:q4_k_m')
    expect(done.state).toBe('done')
    expect(done.url).toBe('hf:acme/tiny-GGUF:q4_k_m')
    expect(readdirSync(folder)).toEqual(['tiny-Q4_K_M.gguf'])
  })

  it('ask before looking up a file on a Hugging Face mirror on this computer', async () => {
    server.list(repo, tree('tiny-Q4_K_M.gguf'))
    server.serve('acme/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf', 'normal')
    const { updates, downloads, run } = manager()
    const asked = await downloads.startDownload({ url: 'hf:acme/tiny-GGUF:Q4_K_M' })
    expect(asked).toMatchObject({ state: 'failed', localHost: '127.0.0.1', path: '' })
    expect(asked.error?.message).toMatch(/on this computer or its local network/)
    expect((await run('hf:acme/tiny-GGUF:Q4_K_M')).state).toBe('done')
    // The confirmed attempt replaced the row that asked, in every tab.
    expect(updates.some((u) => u.id === asked.id && u.removed)).toBe(true)
    expect((await downloads.listDownloads()).map((d) => d.state)).toEqual(['done'])
  })

  it('read every page of a long file list', async () => {
    const paged = 'api/models/acme/paged-GGUF/tree/main'
    server.list(paged, tree('a-Q8_0.gguf'), `${paged}?cursor=2`)
    server.list(`${paged}?cursor=2`, tree('a-Q4_K_M.gguf'))
    server.serve('acme/paged-GGUF/resolve/main/a-Q4_K_M.gguf', 'normal')
    const { folder, run } = manager()
    expect((await run('hf:acme/paged-GGUF')).state).toBe('done')
    expect(readdirSync(folder)).toEqual(['a-Q4_K_M.gguf'])
  })

  it('say plainly when no file or several match, or the repository is missing', async () => {
    server.list('api/models/acme/two-GGUF/tree/main', tree('a-Q4_K_M.gguf', 'b-Q4_K_M.gguf'))
    server.list(repo, tree('tiny-Q4_K_M.gguf', 'tiny-Q8_0.gguf'))
    const { downloads } = manager()
    const start = (url: string) => downloads.startDownload({ url, allowLocalHost: true })
    await expect(start('hf:acme/tiny-GGUF:Q5_K_S')).rejects.toThrow(
      /^hf:acme\/tiny-GGUF has no Q5_K_S file\.$/,
    )
    await expect(start('hf:acme/tiny-GGUF:Q5_K_S')).rejects.toMatchObject({
      appError: { hint: expect.stringMatching(/It has: Q4_K_M, Q8_0\./) },
    })
    await expect(start('hf:acme/two-GGUF:Q4_K_M')).rejects.toThrow(
      /matches 2 files: a-Q4_K_M\.gguf, b-Q4_K_M\.gguf/,
    )
    await expect(start('hf:acme/none-GGUF:Q4_K_M')).rejects.toThrow(
      /Hugging Face has no repository acme\/none-GGUF, or it is private/,
    )
    await expect(start('hf:acme/tiny-GGUF:Q4:K')).rejects.toThrow(/does not name a Hugging Face/)
  })

  it('download a split quantization whole, and send HF_TOKEN for a gated repository', async () => {
    const gatedRepo = 'api/models/acme/gated-GGUF/tree/main'
    server.list(gatedRepo, tree('g-Q8_0-00001-of-00002.gguf', 'g-Q8_0-00002-of-00002.gguf'))
    server.gate(gatedRepo, 'hf_secret')
    server.serve('acme/gated-GGUF/resolve/main/g-Q8_0-00001-of-00002.gguf', 'normal', first)
    server.serve('acme/gated-GGUF/resolve/main/g-Q8_0-00002-of-00002.gguf', 'normal', second)
    const { folder, downloads, run } = manager()
    await expect(
      downloads.startDownload({ url: 'hf:acme/gated-GGUF:Q8_0', allowLocalHost: true }),
    ).rejects.toThrow(/no repository acme\/gated-GGUF, or it is private/)
    process.env.HF_TOKEN = 'hf_secret'
    try {
      const done = await run('hf:acme/gated-GGUF:Q8_0')
      expect(done.state).toBe('done')
      expect(done.parts).toBe(2)
      expect(readdirSync(folder).sort()).toEqual([
        'g-Q8_0-00001-of-00002.gguf',
        'g-Q8_0-00002-of-00002.gguf',
      ])
      expect(server.authorizations.at(-1)).toBe('Bearer hf_secret')
    } finally {
      delete process.env.HF_TOKEN
    }
  })
})
