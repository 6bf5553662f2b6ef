/**
 * Electron hardening, driven through the seams Electron's API sits behind: fakes that behave like
 * the real objects (an app that creates pages, a page whose events can be cancelled, a session
 * that answers permission requests through its handlers).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { appPageUrl, appProtocolHandler, isAppPage } from '../../src/main/desktop/app-protocol'
import {
  guardAllContents,
  type ContentsCreator,
  type GuardedContents,
  type GuardedEvent,
} from '../../src/main/desktop/contents-guard'
import { ipcMessageReceiver } from '../../src/main/desktop/ipc-receiver'
import { denyAllPermissions, type PermissionSession } from '../../src/main/desktop/permissions'
import { sendStaticFile } from '../../src/main/host/static-files'
import { contentSecurityPolicy } from '../../src/main/util/content-security'
import { appMethodNames } from '../../src/shared/methods'

const directives = (policy: string) =>
  new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/)
      return [name!, sources]
    }),
  )

describe('Content-Security-Policy', () => {
  it('desktop: the page opens no connection at all (it talks over IPC)', () => {
    const policy = contentSecurityPolicy({ kind: 'desktop' })
    expect(directives(policy).get('connect-src')).toEqual(["'none'"])
    expect(policy).not.toMatch(/\bwss?:/)
    expect(policy).not.toMatch(/\bhttps?:/)
  })

  it('serve: the one WebSocket to the origin the page came from, nothing else', () => {
    const connect = (origin: string) =>
      directives(contentSecurityPolicy({ kind: 'serve', origin })).get('connect-src')
    expect(connect('http://127.0.0.1:5199')).toEqual(["'self'", 'ws://127.0.0.1:5199'])
    expect(connect('https://box.local:8443/')).toEqual(["'self'", 'wss://box.local:8443'])
    expect(() => contentSecurityPolicy({ kind: 'serve', origin: 'file:///x' })).toThrow()
  })

  it('both: scripts and workers only from the app, no plugins, frames, <base> or form posts', () => {
    for (const policy of [
      contentSecurityPolicy({ kind: 'desktop' }),
      contentSecurityPolicy({ kind: 'serve', origin: 'http://localhost:5199' }),
    ]) {
      const map = directives(policy)
      expect(map.get('script-src')).toEqual(["'self'"])
      expect(map.get('worker-src')).toEqual(["'self'"])
      for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action']) {
        expect(map.get(name)).toEqual(["'none'"])
      }
      expect(policy).not.toContain("'unsafe-eval'")
      expect(policy).not.toMatch(/\*/)
    }
  })

  it('the desktop page is answered with it, error pages included', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tokenscope-csp-'))
    afterAll(() => rmSync(scratch, { recursive: true, force: true }))
    const renderer = join(scratch, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>page')
    const policy = contentSecurityPolicy({ kind: 'desktop' })
    const handle = appProtocolHandler(
      renderer,
      async (path) =>
        new Response(await readFile(path), { headers: { 'Content-Type': 'text/html' } }),
      { 'Content-Security-Policy': policy },
    )
    const page = await handle(new Request(appPageUrl))
    expect(page.status).toBe(200)
    expect(await page.text()).toBe('<!doctype html>page')
    expect(page.headers.get('content-type')).toBe('text/html')
    expect(page.headers.get('content-security-policy')).toBe(policy)
    const missing = await handle(new Request('app://tokenscope/missing.js'))
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-security-policy')).toBe(policy)
  })
})

describe('Content-Security-Policy in serve mode', () => {
  it('a file of the page is sent with the policy header', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tokenscope-serve-csp-'))
    afterAll(() => rmSync(root, { recursive: true, force: true }))
    writeFileSync(join(root, 'index.html'), '<!doctype html>served')
    const policy = contentSecurityPolicy({ kind: 'serve', origin: 'http://127.0.0.1:5199' })
    const server = createServer((request, response) => {
      void sendStaticFile(root, request.url ?? '/', response, { 'Content-Security-Policy': policy })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('<!doctype html>served')
      expect(response.headers.get('content-security-policy')).toBe(policy)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

/** A session whose permission requests and checks go through the installed handlers. */
class FakeSession implements PermissionSession {
  private request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0]
  private check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0]
  private device?: Parameters<PermissionSession['setDevicePermissionHandler']>[0]
  setPermissionRequestHandler(handler: NonNullable<typeof this.request>) {
    this.request = handler
  }
  setPermissionCheckHandler(handler: NonNullable<typeof this.check>) {
    this.check = handler
  }
  setDevicePermissionHandler(handler: NonNullable<typeof this.device>) {
    this.device = handler
  }
  /** What a page asking for `permission` gets; Electron grants it when no handler is set. */
  ask(permission: string, url = appPageUrl): Promise<boolean> {
    if (!this.request) return Promise.resolve(true)
    return new Promise((resolve) => this.request!({}, permission, resolve, { requestingUrl: url }))
  }
  has(permission: string, origin = 'app://tokenscope'): boolean {
    return this.check ? this.check({}, permission, origin, {}) : true
  }
  mayUseDevice(deviceType: string): boolean {
    return this.device ? this.device({ origin: 'app://tokenscope', deviceType }) : true
  }
}

describe('permissions', () => {
  const permissions = [
    'media',
    'notifications',
    'geolocation',
    'clipboard-read',
    'clipboard-sanitized-write',
    'fullscreen',
    'openExternal',
    'hid',
    'serial',
    'usb',
    'midiSysex',
    'pointerLock',
    'display-capture',
    'unknown-future-permission',
  ]

  it('every request is refused, from our own page or any other', async () => {
    const session = new FakeSession()
    expect(await session.ask('media')).toBe(true) // Electron's default, before the handler
    denyAllPermissions(session)
    for (const permission of permissions) {
      expect(await session.ask(permission)).toBe(false)
      expect(await session.ask(permission, 'https://example.com/')).toBe(false)
    }
  })

  it('every check and every device is refused', () => {
    const session = new FakeSession()
    denyAllPermissions(session)
    for (const permission of permissions) expect(session.has(permission)).toBe(false)
    for (const device of ['hid', 'serial', 'usb']) expect(session.mayUseDevice(device)).toBe(false)
  })
})

/** A page: its listeners see cancellable events, as Electron's do. */
class FakeContents implements GuardedContents {
  private listeners = new Map<string, ((event: never) => void)[]>()
  private openHandler?: (details: { url: string }) => { action: 'deny' | 'allow' }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler
  }
  on(event: string, listener: (event: never) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
    return this
  }
  private emit(name: string, extra: object): boolean {
    let prevented = false
    const event = { ...extra, preventDefault: () => void (prevented = true) }
    for (const listener of this.listeners.get(name) ?? []) listener(event as never)
    return !prevented
  }
  /** Whether a navigation to `url` goes ahead. */
  navigate(url: string): 'went' | 'stayed' {
    return this.emit('will-navigate', { url }) ? 'went' : 'stayed'
  }
  /** What window.open(url) gives; 'allow' when no handler is set, as in Electron. */
  openWindow(url: string): 'deny' | 'allow' {
    return this.openHandler ? this.openHandler({ url }).action : 'allow'
  }
  attachWebview(): 'attached' | 'refused' {
    return this.emit('will-attach-webview', {}) ? 'attached' : 'refused'
  }
}

/** An app that creates pages (windows, pop-ups, devtools) and announces each one. */
class FakeApp implements ContentsCreator {
  private created: ((event: unknown, contents: GuardedContents) => void)[] = []
  on(_event: 'web-contents-created', listener: (e: unknown, c: GuardedContents) => void) {
    this.created.push(listener)
  }
  createContents(): FakeContents {
    const contents = new FakeContents()
    for (const listener of this.created) listener({ preventDefault() {} } as GuardedEvent, contents)
    return contents
  }
}

describe('web-contents-created guard', () => {
  const setup = (devUrl?: string) => {
    const app = new FakeApp()
    const opened: string[] = []
    guardAllContents(app, {
      isAppPage: (url) => isAppPage(url, devUrl),
      openExternal: (url) => opened.push(url),
    })
    return { app, opened }
  }

  it('every page, including one created later, stays on the app origin', () => {
    const { app, opened } = setup()
    const first = app.createContents()
    const later = app.createContents()
    for (const contents of [first, later]) {
      expect(contents.navigate('app://tokenscope/index.html')).toBe('went')
      expect(contents.navigate('app://tokenscope/other.html#x')).toBe('went')
      for (const url of [
        'https://example.com/',
        'http://example.com/',
        'file:///etc/passwd',
        'app://elsewhere/index.html',
        'javascript:alert(1)',
        'not a url',
      ]) {
        expect(contents.navigate(url)).toBe('stayed')
      }
    }
    // Only the https page went to the browser, once per attempt.
    expect(opened).toEqual(['https://example.com/', 'https://example.com/'])
  })

  it('no page opens a window; an https one goes to the browser, nothing else does', () => {
    const { app, opened } = setup()
    const contents = app.createContents()
    for (const url of ['https://github.com/', 'http://x.test/', 'file:///tmp/a', 'mailto:a@b.c']) {
      expect(contents.openWindow(url)).toBe('deny')
    }
    expect(contents.openWindow(appPageUrl)).toBe('deny')
    expect(opened).toEqual(['https://github.com/'])
  })

  it('no page attaches a <webview>', () => {
    const { app } = setup()
    expect(app.createContents().attachWebview()).toBe('refused')
    expect(new FakeContents().attachWebview()).toBe('attached') // an unguarded page would
  })

  it('in development the dev server is the app origin, and only it', () => {
    const { app } = setup('http://localhost:5173/')
    const contents = app.createContents()
    expect(contents.navigate('http://localhost:5173/index.html')).toBe('went')
    expect(contents.navigate('http://localhost:5174/')).toBe('stayed')
  })
})

describe('IPC messages', () => {
  const setup = () => {
    const delivered: unknown[] = []
    const warnings: string[] = []
    const receive = ipcMessageReceiver<{ trusted: boolean }>({
      isTrustedSender: (event) => event.trusted,
      deliver: (message) => delivered.push(message),
      warn: (line) => warnings.push(line),
    })
    return { receive, delivered, warnings }
  }
  const method = appMethodNames[0]!
  const call = { t: 'q', i: 'a1', m: method, a: [] }

  it('a call of one of the contract methods from our page reaches the engine', () => {
    const { receive, delivered } = setup()
    receive({ trusted: true }, call)
    receive({ trusted: true }, { t: 's', i: 'a1', r: 1 })
    expect(delivered).toEqual([call, { t: 's', i: 'a1', r: 1 }])
  })

  it('a malformed message is dropped, with a warning, and the next one still goes through', () => {
    const { receive, delivered, warnings } = setup()
    for (const message of [
      null,
      42,
      'text',
      [],
      { t: 'q', i: 'a2', m: 'constructor', a: [] },
      { t: 'q', i: 'a3', m: '__proto__', a: [] },
      { t: 'q', i: 'a4', m: method },
      { t: 'q', i: 5, m: method, a: [] },
      { t: 's' },
      { t: 'x', i: 'a6' },
    ]) {
      expect(() => receive({ trusted: true }, message)).not.toThrow()
    }
    expect(delivered).toEqual([])
    expect(warnings).toHaveLength(10)
    receive({ trusted: true }, call)
    expect(delivered).toEqual([call])
  })

  it('a message from another sender is ignored, however well-formed', () => {
    const { receive, delivered, warnings } = setup()
    receive({ trusted: false }, call)
    expect(delivered).toEqual([])
    expect(warnings).toEqual([])
  })

  it('a sender check that throws does not escape', () => {
    const warnings: string[] = []
    const receive = ipcMessageReceiver<null>({
      isTrustedSender: () => {
        throw new Error('destroyed')
      },
      deliver: () => undefined,
      warn: (line) => warnings.push(line),
    })
    expect(() => receive(null, call)).not.toThrow()
    expect(warnings[0]).toMatch(/destroyed/)
  })
})
