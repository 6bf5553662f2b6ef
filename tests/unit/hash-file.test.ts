import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashFile, hashOnWorker } from '../../src/main/util/hash-file'

const folder = mkdtempSync(join(tmpdir(), 'tokenscope-hash-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

describe('hashFile', () => {
  it('gives the SHA-256 of a file larger than one read chunk', async () => {
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 17)
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251
    const file = join(folder, 'big.bin')
    writeFileSync(file, bytes)
    expect(await hashFile(file)).toBe(sha256(bytes))
  })

  it('remembers a file by path, size and time, and reads it again once any of them changes', async () => {
    const file = join(folder, 'remembered.bin')
    const time = new Date('2026-01-01T00:00:00Z')
    writeFileSync(file, 'first')
    utimesSync(file, time, time)
    const first = await hashFile(file)

    // Same size and time: the remembered hash stands, the file is not read again.
    writeFileSync(file, 'other')
    utimesSync(file, time, time)
    expect(await hashFile(file)).toBe(first)

    utimesSync(file, time, new Date(time.getTime() + 5000))
    expect(await hashFile(file)).toBe(sha256(Buffer.from('other')))
  })

  it('reads a file once when a second request comes while the first is reading it', async () => {
    const file = join(folder, 'shared.bin')
    writeFileSync(file, 'shared reading')
    const readings: string[] = []
    const counted = (path: string) => {
      readings.push(path)
      return hashOnWorker(path)
    }
    const [first, second] = await Promise.all([hashFile(file, counted), hashFile(file, counted)])
    expect(first).toBe(sha256(Buffer.from('shared reading')))
    expect(second).toBe(first)
    expect(readings).toEqual([file])
  })

  it('forgets a failed reading, so that the next request reads the file again', async () => {
    const file = join(folder, 'flaky.bin')
    writeFileSync(file, 'readable now')
    let attempts = 0
    const failingOnce = (path: string) =>
      ++attempts === 1 ? Promise.reject(new Error('EIO: the disk hiccuped')) : hashOnWorker(path)
    await expect(hashFile(file, failingOnce)).rejects.toThrow(/EIO/)
    expect(await hashFile(file, failingOnce)).toBe(sha256(Buffer.from('readable now')))
    expect(attempts).toBe(2)
  })

  it('rejects with the reason for a file that cannot be read', async () => {
    await expect(hashFile(join(folder, 'missing.bin'))).rejects.toThrow(/ENOENT/)
  })
})
