import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DownloadProgress } from '../../src/shared/downloads'
import { LocalHostRefused, openDownload } from '../../src/main/host/download-request'
import { download, type DownloadJob } from '../../src/main/host/downloader'
import { partialPathFor } from '../../src/main/host/partial-files'
import { startModelServer } from '../helpers/model-server'

let server: Awaited<ReturnType<typeof startModelServer>>
let folder: string
beforeAll(async () => {
  server = await startModelServer()
  folder = mkdtempSync(join(tmpdir(), 'tokenscope-downloads-'))
})
afterAll(() => server.close())

/** Runs one download of `address` into the test folder; resolves to its last report or throws. */
async function fetchTo(
  address: string,
  fileName: string,
  options: Partial<DownloadJob> = {},
): Promise<Partial<DownloadProgress>> {
  const progress: Partial<DownloadProgress> = {}
  await download({
    input: address,
    url: new URL(address),
    viaHf: false,
    path: join(folder, fileName),
    allowLocal: true,
    signal: new AbortController().signal,
    report: (change) => Object.assign(progress, change),
    ...options,
  })
  return progress
}

const partialOf = (address: string, fileName: string) =>
  partialPathFor(join(folder, fileName), new URL(address))

describe('the downloader', () => {
  it('refuses a loopback address unless the user confirmed it', async () => {
    const url = server.serve('local.gguf', 'normal')
    const refused = fetchTo(url, 'local.gguf', { allowLocal: false })
    await expect(refused).rejects.toBeInstanceOf(LocalHostRefused)
    await expect(refused).rejects.toThrow(
      /^127\.0\.0\.1 is on this computer or its local network, not the internet\.$/,
    )
    expect(server.hits.get('local.gguf')).toBeUndefined()
  })

  it('re-checks the address at every redirect, through the lookup that connects', async () => {
    const target = server.serve('target.gguf', 'normal').replace('127.0.0.1', 'next.test')
    const first = server.redirect('hop.gguf', target)
    const asked: string[] = []
    const resolver = async (name: string) => (asked.push(name), ['127.0.0.1'])
    // Confirmed, the chain completes: the redirect's name went through the checked lookup, and
    // the system's DNS (which knows no next.test) was never asked.
    const done = await fetchTo(first, 'hop.gguf', { resolve: resolver })
    expect(asked).toEqual(['next.test'])
    expect(done.totalBytes).toBe(server.body.length)
    expect(readFileSync(join(folder, 'hop.gguf')).equals(server.body)).toBe(true)
  })

  it('connects to the very address it checked (no second lookup for DNS rebinding)', async () => {
    const url = server.serve('rebind.gguf', 'normal').replace('127.0.0.1', 'rebind.test')
    // A rebinding name: local at its first answer. Refused before any byte is sent to it.
    let answers = 0
    const rebinding = async () => (answers++ === 0 ? ['127.0.0.1'] : ['93.184.216.34'])
    await expect(
      fetchTo(url, 'rebind.gguf', { allowLocal: false, resolve: rebinding }),
    ).rejects.toThrow(/^rebind\.test \(127\.0\.0\.1\) is on this computer/)
    expect(answers).toBe(1)
    expect(server.hits.get('rebind.gguf')).toBeUndefined()
    // Confirmed, the connection goes to the one checked answer (the second would be unreachable).
    answers = 0
    const done = await fetchTo(url, 'rebind.gguf', { resolve: rebinding })
    expect(answers).toBe(1)
    expect(done.totalBytes).toBe(server.body.length)
    // A connection opened with the user's say-so is never reused for a request without it.
    const local = async () => ['127.0.0.1']
    await expect(
      fetchTo(url, 'rebind-again.gguf', { allowLocal: false, resolve: local }),
    ).rejects.toThrow(/is on this computer/)
  })

  it('checks every address a name resolves to, and IP literals as written', async () => {
    const open = (url: string) =>
      openDownload({
        url: new URL(url),
        viaHf: false,
        headers: {},
        allowLocal: false,
        signal: new AbortController().signal,
        resolve: async () => ['93.184.216.34', '10.0.0.5'],
      })
    await expect(open('https://mixed.test/a.gguf')).rejects.toThrow(
      /^mixed\.test \(10\.0\.0\.5\) is on this computer/,
    )
    await expect(open('http://[::1]:8080/a.gguf')).rejects.toThrow(/^::1 is on this computer/)
    await expect(open('http://[::ffff:127.0.0.1]/a.gguf')).rejects.toThrow(/is on this computer/)
  })

  it('refuses a redirect to another scheme', async () => {
    const url = server.redirect('to-file.gguf', 'file:///etc/passwd')
    await expect(fetchTo(url, 'to-file.gguf')).rejects.toThrow(/redirected to a file: address/)
  })

  it('resumes a dropped download from its partial file, asking for the same version', async () => {
    // Retry follows the failure at once, several times: the failure must not be reported while
    // the partial file is still being written, or the resume asks from a stale size.
    for (let attempt = 0; attempt < 16; attempt++) {
      const name = `flaky-${attempt}.gguf`
      const url = server.serve(name, 'drop-halfway-once')
      let shownAtFailure = -1
      const failure = await fetchTo(url, name, {
        report: (change) => (shownAtFailure = change.receivedBytes ?? shownAtFailure),
      }).catch((error: unknown) => error)
      const partial = partialOf(url, name)
      const onDiskAtFailure = statSync(partial).size
      expect(shownAtFailure).toBe(onDiskAtFailure)
      expect(String(failure)).toMatch(
        /connection to 127\.0\.0\.1 was lost after [\d.]+ MB of 2\.7 MB/,
      )
      expect(existsSync(partial)).toBe(true)
      expect(existsSync(`${partial}.json`)).toBe(true)
      expect(existsSync(join(folder, name))).toBe(false)
      const resumed = await fetchTo(url, name)
      expect(resumed.resumedFromBytes).toBeGreaterThan(0)
      expect(resumed.resumedFromBytes).toBe(onDiskAtFailure)
      expect(server.ranges.at(-1)).toBe(`bytes=${resumed.resumedFromBytes}-`)
      expect(readFileSync(join(folder, name)).equals(server.body)).toBe(true)
      expect(existsSync(partial) || existsSync(`${partial}.json`)).toBe(false)
    }
  })

  it('starts over when the server answers a resume with the whole file', async () => {
    const url = server.serve('whole.gguf', 'drop-halfway-once')
    await expect(fetchTo(url, 'whole.gguf')).rejects.toThrow(/was lost/)
    expect(existsSync(partialOf(url, 'whole.gguf'))).toBe(true)
    server.serve('whole.gguf', 'ignore-range')
    const done = await fetchTo(url, 'whole.gguf')
    expect(server.ranges.at(-1)).toMatch(/^bytes=\d+-$/)
    expect(done.resumedFromBytes).toBe(0)
    expect(readFileSync(join(folder, 'whole.gguf')).equals(server.body)).toBe(true)
  })

  it('gives up on a server that stops sending, keeping what arrived', async () => {
    const url = server.serve('stuck.gguf', 'stall-halfway')
    await expect(fetchTo(url, 'stuck.gguf', { stallMs: 300 })).rejects.toThrow(
      /^127\.0\.0\.1 stopped sending data\.$/,
    )
    expect(existsSync(partialOf(url, 'stuck.gguf'))).toBe(true)
  })

  it('refuses a resume whose Content-Range starts elsewhere, and deletes the partial file', async () => {
    const url = server.serve('shifty.gguf', 'drop-halfway-once')
    await expect(fetchTo(url, 'shifty.gguf')).rejects.toThrow(/was lost/)
    server.serve('shifty.gguf', 'wrong-range')
    await expect(fetchTo(url, 'shifty.gguf')).rejects.toThrow(/different part of the file/)
    expect(existsSync(partialOf(url, 'shifty.gguf'))).toBe(false)
  })

  it('caps the size, announced or not', async () => {
    const announced = server.serve('big.gguf', 'normal')
    await expect(fetchTo(announced, 'big.gguf', { maxBytes: 1024 * 1024 })).rejects.toThrow(
      /^The file is 2\.7 MB, more than the 1\.0 MB allowed for one download\.$/,
    )
    expect(existsSync(partialOf(announced, 'big.gguf'))).toBe(false)
    const unannounced = server.serve('endless.gguf', 'no-length')
    await expect(fetchTo(unannounced, 'endless.gguf', { maxBytes: 1024 * 1024 })).rejects.toThrow(
      /larger than the .* allowed for one download/,
    )
    expect(existsSync(join(folder, 'endless.gguf'))).toBe(false)
    // Without a cap in the way, a download with no Content-Length completes.
    await fetchTo(unannounced, 'endless.gguf')
    expect(readFileSync(join(folder, 'endless.gguf')).equals(server.body)).toBe(true)
  })

  it('deletes a finished file that is not a GGUF model instead of listing it', async () => {
    const url = server.serve('page.gguf', 'html')
    await expect(fetchTo(url, 'page.gguf')).rejects.toThrow(/not a usable GGUF model/)
    expect(readdirSync(folder).filter((name) => name.startsWith('page.gguf'))).toEqual([])
  })

  it('explains a missing file, an unknown host and a refused connection in plain words', async () => {
    const missing = server.serve('x.gguf', 'normal').replace(/x\.gguf$/, 'nope.gguf')
    await expect(fetchTo(missing, 'nope.gguf')).rejects.toThrow(/^There is no file at http/)
    await expect(
      fetchTo('https://no-such-host.invalid/m.gguf', 'm.gguf', { allowLocal: false }),
    ).rejects.toThrow(/^Could not find the server no-such-host\.invalid\.$/)
    const closed = `http://127.0.0.1:${server.port + 1}/m.gguf`
    const refused = fetchTo(closed, 'm.gguf').catch((error: Error) => error.message)
    expect(await refused).toMatch(/refused the connection|^Could not|was lost/)
    expect(await refused).not.toMatch(/ECONN|errno|Error|fetch failed/)
  })
})
