/**
 * The desktop shell's behaviours, driven through the seams Electron's API sits behind: fakes that
 * keep state like the real objects (a lock only one process holds, a window that is minimized,
 * a page that navigates), so the tests check what the user sees, not which calls were made.
 */
import { describe, expect, it } from 'vitest'
import type { AppService } from '../../src/shared/contract'
import { trackClientRuns } from '../../src/main/host/client-runs'
import { applicationMenu, readmeUrl } from '../../src/main/desktop/app-menu'
import { isAppPage } from '../../src/main/desktop/app-protocol'
import { guardContents, type GuardedContents } from '../../src/main/desktop/contents-guard'
import { mayOpenExternally } from '../../src/main/desktop/link-policy'
import { cancelRunsWithPage } from '../../src/main/desktop/run-cancelling'
import { holdSingleInstance, type FocusableWindow } from '../../src/main/desktop/single-instance'

/** One user's session: at most one process holds the lock; a refused request wakes the holder. */
class Machine {
  holder: FakeApp | null = null
  launch(window: FakeWindow | null = new FakeWindow()): { app: FakeApp; running: boolean } {
    const app = new FakeApp(this)
    return { app, running: holdSingleInstance(app, () => window) }
  }
}

class FakeApp {
  quitting = false
  private secondInstance: (() => void)[] = []
  constructor(private readonly machine: Machine) {}
  requestSingleInstanceLock(): boolean {
    const holder = this.machine.holder
    if (holder && !holder.quitting) {
      holder.secondInstance.forEach((listener) => listener())
      return false
    }
    this.machine.holder = this
    return true
  }
  on(_event: 'second-instance', listener: () => void): void {
    this.secondInstance.push(listener)
  }
  quit(): void {
    this.quitting = true
  }
}

class FakeWindow implements FocusableWindow {
  minimized = false
  visible = true
  focused = false
  destroyed = false
  isDestroyed = () => this.destroyed
  isMinimized = () => this.minimized
  restore = () => void (this.minimized = false)
  show = () => void (this.visible = true)
  focus = () => void (this.focused = this.visible && !this.minimized)
}

describe('single instance', () => {
  it('a second launch quits and brings the first window back, restored and focused', () => {
    const machine = new Machine()
    const window = new FakeWindow()
    const first = machine.launch(window)
    window.minimized = true
    window.visible = false

    const second = machine.launch()
    expect(first.running).toBe(true)
    expect(second.running).toBe(false)
    expect(second.app.quitting).toBe(true)
    expect(first.app.quitting).toBe(false)
    expect(window).toMatchObject({ minimized: false, visible: true, focused: true })
  })

  it('a second launch while the first has no window (closed on macOS) does not fail', () => {
    const machine = new Machine()
    machine.launch(null)
    expect(machine.launch().running).toBe(false)
  })

  it('a destroyed window is left alone', () => {
    const machine = new Machine()
    const window = new FakeWindow()
    machine.launch(window)
    window.destroyed = true
    window.minimized = true
    machine.launch()
    expect(window.minimized).toBe(true)
  })

  it('after the first quits, the next launch runs', () => {
    const machine = new Machine()
    machine.launch().app.quit()
    expect(machine.launch().running).toBe(true)
  })
})

/** A page whose links and navigations go through the policy (the web-contents guard's). */
function pageWithPolicy() {
  const opened: string[] = []
  let openHandler: (details: { url: string }) => { action: 'deny' } = () => ({ action: 'deny' })
  const navigateListeners: ((event: { preventDefault(): void; url: string }) => void)[] = []
  const contents: GuardedContents = {
    setWindowOpenHandler: (handler) => void (openHandler = handler),
    on: (event: string, listener: (event: never) => void) => {
      if (event === 'will-navigate')
        navigateListeners.push(listener as (typeof navigateListeners)[number])
    },
  }
  guardContents(contents, {
    isAppPage: (url) => isAppPage(url),
    openExternal: (url) => opened.push(url),
  })
  return {
    opened,
    openWindow: (url: string) => openHandler({ url }).action,
    navigate(url: string): 'stayed' | 'left' {
      let prevented = false
      navigateListeners.forEach((l) => l({ url, preventDefault: () => void (prevented = true) }))
      return prevented ? 'stayed' : 'left'
    },
  }
}

describe('link policy', () => {
  const refused = [
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://server/share',
    'ms-settings:privacy',
    'mailto:someone@example.com',
    'not a url',
  ]

  it('opens https links in the browser and nothing else', () => {
    expect(mayOpenExternally('https://huggingface.co/models')).toBe(true)
    for (const url of refused) expect(mayOpenExternally(url), url).toBe(false)
  })

  it('a link that opens a window never opens one in the app; https goes to the browser', () => {
    const page = pageWithPolicy()
    expect(page.openWindow('https://example.com/a')).toBe('deny')
    for (const url of refused) expect(page.openWindow(url)).toBe('deny')
    expect(page.opened).toEqual(['https://example.com/a'])
  })

  it('the window never navigates away; an https target goes to the browser', () => {
    const page = pageWithPolicy()
    expect(page.navigate('https://example.com/b')).toBe('stayed')
    expect(page.navigate('file:///home/user/evil.html')).toBe('stayed')
    expect(page.opened).toEqual(['https://example.com/b'])
  })
})

describe('runs end with the page', () => {
  function windowWithRuns() {
    const cancelled: string[] = []
    const service = {
      generate: async () => undefined,
      generateMany: async () => undefined,
      cancel: async ({ runId }: { runId: string }) => void cancelled.push(runId),
    } as unknown as AppService
    const owned = trackClientRuns(service)
    const listeners = new Map<string, ((details: never) => void)[]>()
    cancelRunsWithPage(
      {
        on: (event: string, listener: (details: never) => void) =>
          listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      },
      owned,
    )
    const emit = (event: string, details: unknown = {}) =>
      listeners.get(event)?.forEach((l) => l(details as never))
    return { cancelled, client: owned.service, emit }
  }

  it('a reload cancels every run the page started, once', async () => {
    const { cancelled, client, emit } = windowWithRuns()
    await client.generate({ runId: 'r1' } as never)
    await client.generateMany({ runs: [{ runId: 'c1' }, { runId: 'c2' }] } as never)
    emit('did-start-navigation', { isMainFrame: true, isSameDocument: false })
    expect(cancelled.sort()).toEqual(['c1', 'c2', 'r1'])
    emit('did-start-navigation', { isMainFrame: true, isSameDocument: false })
    expect(cancelled).toHaveLength(3)
  })

  it('a change of view (#hash) or a subframe keeps the runs', async () => {
    const { cancelled, client, emit } = windowWithRuns()
    await client.generate({ runId: 'r1' } as never)
    emit('did-start-navigation', { isMainFrame: true, isSameDocument: true })
    emit('did-start-navigation', { isMainFrame: false, isSameDocument: false })
    expect(cancelled).toEqual([])
  })

  it('a crashed page cancels its runs', async () => {
    const { cancelled, client, emit } = windowWithRuns()
    await client.generate({ runId: 'r1' } as never)
    emit('render-process-gone')
    expect(cancelled).toEqual(['r1'])
  })
})

describe('application menu', () => {
  type Item = { role?: string; label?: string; submenu?: Item[]; click?: () => void }
  const menu = (platform: NodeJS.Platform, developer = false) => {
    const opened: string[] = []
    const items = applicationMenu({ platform, developer, openExternal: (u) => opened.push(u) })
    return { items: items as Item[], opened }
  }
  const roles = (items: Item[]): string[] =>
    items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])])
  const submenu = (items: Item[], label: string) =>
    roles(items.find((item) => item.label === label)?.submenu ?? [])

  it('has Edit with copy, paste and select all, and View with zoom and full screen', () => {
    const { items } = menu('linux')
    expect(submenu(items, 'Edit')).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll']))
    expect(submenu(items, 'View')).toEqual(
      expect.arrayContaining(['zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen']),
    )
    expect(roles(items)).toEqual(expect.arrayContaining(['windowMenu', 'help']))
  })

  it('Help opens the README in the browser', () => {
    const { items, opened } = menu('win32')
    items.find((item) => item.role === 'help')?.submenu?.[0]?.click?.()
    expect(opened).toEqual([readmeUrl])
    expect(mayOpenExternally(readmeUrl)).toBe(true)
  })

  it('starts with the app menu on macOS only; developer tools only in development', () => {
    expect(menu('darwin').items[0]?.role).toBe('appMenu')
    expect(roles(menu('linux').items)).not.toContain('appMenu')
    expect(roles(menu('linux').items)).not.toContain('toggleDevTools')
    expect(roles(menu('linux', true).items)).toContain('toggleDevTools')
  })
})
