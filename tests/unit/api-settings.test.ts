import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultApiPort } from '../../src/shared/api-server'
import {
  apiSettingsFileName,
  readApiSettings,
  writeApiSettings,
} from '../../src/main/api/api-settings'

const folder = () => mkdtempSync(join(tmpdir(), 'tokenscope-api-settings-'))

describe('the API settings kept for the next launch', () => {
  it('are off on the default port when nothing was saved', async () => {
    const lines: string[] = []
    expect(await readApiSettings(folder(), (line) => lines.push(line))).toEqual({
      on: false,
      port: defaultApiPort,
      recording: true,
    })
    expect(lines).toEqual([])
  })

  it('read back what was written', async () => {
    const directory = folder()
    await writeApiSettings(directory, { on: true, port: 0, recording: false })
    expect(await readApiSettings(directory, () => undefined)).toEqual({
      on: true,
      port: 0,
      recording: false,
    })
  })

  it('leave the API off, and say why, when the file is damaged', async () => {
    const directory = folder()
    writeFileSync(join(directory, apiSettingsFileName), '{"on": tru')
    const lines: string[] = []
    expect((await readApiSettings(directory, (line) => lines.push(line))).on).toBe(false)
    expect(lines.join('\n')).toMatch(/not valid JSON/)
  })

  it('fall back field by field on values of the wrong kind', async () => {
    const directory = folder()
    writeFileSync(
      join(directory, apiSettingsFileName),
      JSON.stringify({ on: 'yes', port: 99999, recording: 0 }),
    )
    expect(await readApiSettings(directory, () => undefined)).toEqual({
      on: false,
      port: defaultApiPort,
      recording: true,
    })
  })
})
