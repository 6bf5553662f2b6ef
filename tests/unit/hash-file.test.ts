import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../src/main/util/hash-file'

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

  it('rejects with the reason for a file that cannot be read', async () => {
    await expect(hashFile(join(folder, 'missing.bin'))).rejects.toThrow(/ENOENT/)
  })
})
