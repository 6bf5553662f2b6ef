/** The desktop shell's file-system parts, on real temporary folders. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  appPageUrl,
  appProtocolHandler,
  isAppPage,
  resolveAppFile,
} from '../../src/main/desktop/app-protocol'
import { chooseDataFolder, moveLegacyDataFolder } from '../../src/main/desktop/data-folder'
import {
  defaultState,
  loadWindowState,
  saveWindowState,
  validWindowState,
} from '../../src/main/desktop/window-state'

const scratch = mkdtempSync(join(tmpdir(), 'tokenscope-desktop-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let folders = 0
const freshFolder = () => {
  const folder = join(scratch, `case-${folders++}`)
  mkdirSync(folder)
  return folder
}

describe('app:// protocol', () => {
  const site = freshFolder()
  const renderer = join(site, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html>page')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(site, 'secret.txt'), 'secret')
  const handle = appProtocolHandler(renderer, async (path) => new Response(await readFile(path)))
  const get = async (url: string) => {
    const response = await handle(new Request(url))
    return { status: response.status, body: await response.text() }
  }

  it('serves the page and its assets', async () => {
    expect(await get(appPageUrl)).toEqual({ status: 200, body: '<!doctype html>page' })
    expect(await get('app://tokenscope/')).toEqual({ status: 200, body: '<!doctype html>page' })
    expect((await get('app://tokenscope/assets/app.js?v=1#x')).body).toBe('console.log(1)')
  })

  it('serves nothing outside the renderer folder, however the path is spelled', async () => {
    for (const url of [
      'app://tokenscope/../secret.txt',
      'app://tokenscope/%2e%2e/secret.txt',
      'app://tokenscope/..%2fsecret.txt',
      'app://tokenscope/assets/..%2F..%2Fsecret.txt',
      'app://tokenscope/..%5csecret.txt',
      'app://tokenscope/index.html%00.js',
      'app://tokenscope/%E0%A4%A',
      'app://tokenscope/missing.js',
    ]) {
      expect(await get(url), url).toEqual({ status: 404, body: 'Not found' })
    }
    expect(resolveAppFile('app://tokenscope/assets/..%2F..%2Fsecret.txt', renderer)).toBeNull()
  })

  it('answers only its own host and scheme', () => {
    expect(resolveAppFile('app://other/index.html', renderer)).toBeNull()
    expect(resolveAppFile(`file://${join(renderer, 'index.html')}`, renderer)).toBeNull()
    expect(resolveAppFile(appPageUrl, renderer)).toBe(join(renderer, 'index.html'))
  })

  it('trusts exactly its own page, or the dev server in development; never file://', () => {
    expect(isAppPage(`${appPageUrl}#chat`)).toBe(true)
    expect(isAppPage('file:///home/me/Downloads/index.html')).toBe(false)
    expect(isAppPage('app://tokenscope.evil/index.html')).toBe(false)
    expect(isAppPage('https://example.com/')).toBe(false)
    expect(isAppPage('http://localhost:5173/#chat', 'http://localhost:5173')).toBe(true)
    expect(isAppPage('http://localhost:5174/', 'http://localhost:5173')).toBe(false)
    expect(isAppPage('http://localhost:5173/')).toBe(false)
    expect(isAppPage('')).toBe(false)
  })
})

describe('data folder', () => {
  it('is --data-dir, else TOKENSCOPE_DATA_DIR, else the shared default', () => {
    const env = { TOKENSCOPE_DATA_DIR: '/env/dir' }
    expect(chooseDataFolder(['electron', '.', '--data-dir', '/a'], env, '/d')).toBe('/a')
    expect(chooseDataFolder(['app', '--data-dir=/b c'], env, '/d')).toBe('/b c')
    expect(chooseDataFolder(['app'], env, '/d')).toBe('/env/dir')
    expect(chooseDataFolder(['app', '--data-dir'], {}, '/d')).toBe('/d')
    expect(chooseDataFolder(['app'], { TOKENSCOPE_DATA_DIR: '' }, '/d')).toBe('/d')
  })

  it('moves the old lowercase folder once, keeping what it held', () => {
    const config = freshFolder()
    mkdirSync(join(config, 'tokenscope', 'sessions'), { recursive: true })
    writeFileSync(join(config, 'tokenscope', 'sessions', 's1.json'), '{"id":"s1"}')
    const folder = join(config, 'Tokenscope')

    expect(moveLegacyDataFolder(folder)).toEqual({ moved: true, from: join(config, 'tokenscope') })
    expect(readFileSync(join(folder, 'sessions', 's1.json'), 'utf8')).toBe('{"id":"s1"}')
    expect(existsSync(join(config, 'tokenscope'))).toBe(false)
    expect(moveLegacyDataFolder(folder)).toEqual({ moved: false, reason: 'no old folder' })
  })

  it('leaves both alone when the new folder already exists', () => {
    const config = freshFolder()
    mkdirSync(join(config, 'tokenscope'))
    writeFileSync(join(config, 'tokenscope', 'old.json'), 'old')
    mkdirSync(join(config, 'Tokenscope'))
    expect(moveLegacyDataFolder(join(config, 'Tokenscope'))).toEqual({
      moved: false,
      reason: 'new folder exists',
    })
    expect(readFileSync(join(config, 'tokenscope', 'old.json'), 'utf8')).toBe('old')
  })

  it('does nothing without an old folder, or when told to use a folder named tokenscope', () => {
    const config = freshFolder()
    expect(moveLegacyDataFolder(join(config, 'Tokenscope')).moved).toBe(false)
    mkdirSync(join(config, 'tokenscope'))
    expect(moveLegacyDataFolder(join(config, 'tokenscope')).moved).toBe(false)
    expect(existsSync(join(config, 'tokenscope'))).toBe(true)
  })
})

describe('window size and position', () => {
  const laptop = { x: 0, y: 0, width: 1920, height: 1080 }
  const leftMonitor = { x: -2560, y: 0, width: 2560, height: 1440 }

  it('keeps a saved size and a position on an attached screen', () => {
    const saved = { width: 1400, height: 900, x: -2000, y: 100, maximized: true }
    expect(validWindowState(saved, [laptop, leftMonitor])).toEqual(saved)
  })

  it('drops a position on a screen that is gone, keeping the size', () => {
    const saved = { width: 1400, height: 900, x: -2000, y: 100, maximized: false }
    expect(validWindowState(saved, [laptop])).toEqual({
      width: 1400,
      height: 900,
      maximized: false,
    })
    // Title bar above the screen's top, or only a sliver of it on screen.
    expect(validWindowState({ ...saved, x: 100, y: -500 }, [laptop]).x).toBeUndefined()
    expect(validWindowState({ ...saved, x: 1880, y: 10 }, [laptop]).x).toBeUndefined()
  })

  it('falls back to the default for damaged or absurd values', () => {
    for (const saved of [
      null,
      'big',
      [],
      { width: 100, height: 900 },
      { width: 1400, height: Number.NaN },
      { width: '1400', height: 900 },
      { width: 1e9, height: 900 },
    ]) {
      expect(validWindowState(saved, [laptop])).toEqual(defaultState)
    }
    expect(validWindowState({ width: 1000, height: 700, x: 1.5, y: 2 }, [laptop])).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    })
  })

  it('round-trips through its file; a missing or damaged file gives the default', () => {
    const file = join(freshFolder(), 'nested', 'window-state.json')
    expect(loadWindowState(file, [laptop])).toEqual(defaultState)
    const state = { width: 1300, height: 850, x: 40, y: 30, maximized: false }
    saveWindowState(file, state)
    expect(loadWindowState(file, [laptop])).toEqual(state)
    writeFileSync(file, '{"width": 13')
    expect(loadWindowState(file, [laptop])).toEqual(defaultState)
  })
})
