/** Only web pages leave the app, to the user's browser: no file:, mailto:, custom or smb: URLs. */
export function mayOpenExternally(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}

/** The part of Electron's WebContents the link policy uses. */
export interface NavigableContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  on(
    event: 'will-navigate',
    listener: (event: { preventDefault(): void; url: string }) => void,
  ): unknown
}

/**
 * The window never shows another page: new windows are refused and navigations stopped; an https
 * link goes to the browser instead. (Reloads do not pass through will-navigate.)
 */
export function applyLinkPolicy(
  contents: NavigableContents,
  openExternal: (url: string) => void,
): void {
  const leave = (url: string) => {
    if (mayOpenExternally(url)) openExternal(url)
  }
  contents.setWindowOpenHandler(({ url }) => {
    leave(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    event.preventDefault()
    leave(event.url)
  })
}
