import { describe, expect, it } from 'vitest'
import { createPathAccess } from '../../src/main/host/path-access'

const refusal = (check: () => void) => {
  try {
    check()
  } catch (error) {
    return (error as { appError?: unknown }).appError
  }
  return null
}

describe('file-path access', () => {
  it('allows the models folder, chosen paths and listed files, and nothing else', () => {
    const access = createPathAccess('/data/models')
    expect(refusal(() => access.checkFile('/data/models/a.gguf'))).toBeNull()
    expect(refusal(() => access.checkFile('/data/models/sub/../b.gguf'))).toBeNull()
    expect(refusal(() => access.checkFolder('/data/models'))).toBeNull()
    for (const path of ['/data/models/../x.gguf', '/data/models-evil/x.gguf', '/home/u/m.gguf']) {
      expect(refusal(() => access.checkFile(path))).toMatchObject({ code: 'path-not-allowed' })
    }
    expect(refusal(() => access.checkFolder('/etc'))).toMatchObject({ code: 'path-not-allowed' })
    access.allow('/home/u/m.gguf', 'file')
    access.allow('/home/u/models', 'folder')
    access.listed(['/home/u/models/listed.gguf'])
    expect(refusal(() => access.checkFile('/home/u/m.gguf'))).toBeNull()
    expect(refusal(() => access.checkFile('/home/u/models/listed.gguf'))).toBeNull()
    expect(refusal(() => access.checkFolder('/home/u/models'))).toBeNull()
    // A chosen folder is scanned; its files are loadable once the scan listed them, not before.
    expect(refusal(() => access.checkFile('/home/u/models/other.gguf'))).toMatchObject({
      code: 'path-not-allowed',
    })
    // A chosen file is no folder to scan.
    expect(refusal(() => access.checkFolder('/home/u/m.gguf'))).not.toBeNull()
  })

  it('refuses by the path’s text alone, so a refusal tells nothing about the disk', () => {
    const access = createPathAccess('/data/models')
    const passwd = refusal(() => access.checkFile('/etc/passwd'))
    expect(passwd).toEqual(refusal(() => access.checkFile('/etc/no-such-file')))
    expect(passwd).toMatchObject({ code: 'path-not-allowed', message: /only \.gguf/ })
    access.allow('/etc/passwd', 'file')
    expect(refusal(() => access.checkFile('/etc/passwd'))).toEqual(passwd)
    expect(refusal(() => access.checkFile('/tmp/real.gguf'))).toEqual(
      refusal(() => access.checkFile('/tmp/missing.gguf')),
    )
  })
})
