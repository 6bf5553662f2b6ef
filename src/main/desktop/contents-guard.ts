import { mayOpenExternally } from './link-policy'

/** A cancellable Electron event. */
export interface GuardedEvent {
  preventDefault(): void
}

/** The part of Electron's WebContents the guard uses. */
export interface GuardedContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  on(event: 'will-navigate', listener: (event: GuardedEvent & { url: string }) => void): unknown
  on(event: 'will-attach-webview', listener: (event: GuardedEvent) => void): unknown
}

/** The part of Electron's App the guard uses. */
export interface ContentsCreator {
  on(
    event: 'web-contents-created',
    listener: (event: unknown, contents: GuardedContents) => void,
  ): unknown
}

export interface GuardPolicy {
  /** Whether a URL is the app's own page (app://tokenscope, or the dev server in development). */
  isAppPage(url: string): boolean
  /** Opens a URL in the user's browser; only https URLs are handed to it. */
  openExternal(url: string): void
}

/**
 * Every page of the app, whatever created it: no new windows (an https link goes to the browser
 * instead), no navigation away from the app's own origin (an https one goes to the browser), no
 * <webview>. Reloads do not pass through will-navigate.
 */
export function guardContents(contents: GuardedContents, policy: GuardPolicy): void {
  const leave = (url: string) => {
    if (mayOpenExternally(url)) policy.openExternal(url)
  }
  contents.setWindowOpenHandler(({ url }) => {
    leave(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    if (policy.isAppPage(event.url)) return
    event.preventDefault()
    leave(event.url)
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** Guards every webContents the app creates from now on: windows, pop-ups, frames' hosts, devtools. */
export function guardAllContents(app: ContentsCreator, policy: GuardPolicy): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents, policy))
}
