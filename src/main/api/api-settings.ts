import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultApiPort } from '../../shared/api-server'

/** What the user chose in the Server panel, kept for the next launch. */
export interface ApiSettings {
  on: boolean
  port: number
  recording: boolean
}

export const apiSettingsFileName = 'api-settings.json'
export const defaultApiSettings: ApiSettings = { on: false, port: defaultApiPort, recording: true }

export const isPort = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535

/**
 * The saved settings; the defaults (off) when there are none. A damaged file is not an error
 * worth stopping for: the API stays off until the user turns it on again, and `log` says why.
 */
export async function readApiSettings(
  dataDirectory: string,
  log: (line: string) => void,
): Promise<ApiSettings> {
  const file = join(dataDirectory, apiSettingsFileName)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log(`could not read ${file}: ${error}`)
    return { ...defaultApiSettings }
  }
  try {
    const saved = JSON.parse(text) as Partial<Record<keyof ApiSettings, unknown>>
    return {
      on: saved.on === true,
      port: isPort(saved.port) ? saved.port : defaultApiPort,
      recording: saved.recording !== false,
    }
  } catch {
    log(`${file} is not valid JSON; the API stays off until it is turned on again`)
    return { ...defaultApiSettings }
  }
}

export async function writeApiSettings(
  dataDirectory: string,
  settings: ApiSettings,
): Promise<void> {
  await mkdir(dataDirectory, { recursive: true })
  const file = join(dataDirectory, apiSettingsFileName)
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`)
  await rename(temporary, file)
}
