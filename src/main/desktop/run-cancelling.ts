/** The part of Electron's WebContents that tells when the page is replaced. */
export interface PageEvents {
  on(
    event: 'did-start-navigation',
    listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void,
  ): unknown
  on(event: 'render-process-gone', listener: () => void): unknown
}

/**
 * The runs a page started end with the page: a reload, a navigation or a crashed renderer leaves
 * no one to show their tokens, and the engine does one run at a time. In-page changes (the view's
 * #hash) keep them.
 */
export function cancelRunsWithPage(contents: PageEvents, runs: { cancelAll(): void }): void {
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) runs.cancelAll()
  })
  contents.on('render-process-gone', () => runs.cancelAll())
}
