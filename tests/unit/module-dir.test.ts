import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { moduleDir } from '../../scripts/module-dir.mjs'

const folder = mkdtempSync(join(tmpdir(), 'tokenscope with space '))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('moduleDir', () => {
  it('gives a real path for a module in a folder whose name has spaces and non-ASCII', () => {
    const dir = join(folder, 'ünïcode #1 %20')
    const url = pathToFileURL(join(dir, 'start.mjs')).href
    expect(url).toContain('%20')
    expect(moduleDir(url)).toBe(dir)
  })

  it('accepts a URL object as well as its text', () => {
    const file = join(folder, 'probe.mjs')
    writeFileSync(file, '')
    expect(moduleDir(pathToFileURL(file))).toBe(folder)
  })
})
