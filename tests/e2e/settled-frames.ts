import type { Page } from 'playwright-core'

/** What `settledFramesAfterClick` watches. */
export interface FrameProbe {
  /** Clicked, in the page, to start. */
  click: string
  /** Counted in each frame; frames before the first match are not recorded. */
  count: string
  /** The element that must stay in view, and the scroll box around it (its closest match). */
  end: string
  box: string
  /** In view as a whole (a chip), or by its bottom edge (a reply taller than the view). */
  edge: 'whole' | 'bottom'
  /** Recording stops with a frame where this matches. */
  done: string
}

export interface SettledFrame {
  count: number
  endInView: boolean
}

/**
 * Every frame from a click until `done` matches, as painted: read in a task after the frame (once
 * the view has followed its end), and only where no task changed the page between the frame and
 * the reading (a part drawn then is not on screen until the next frame).
 */
export function settledFramesAfterClick(page: Page, probe: FrameProbe): Promise<SettledFrame[]> {
  // Runs in the page, typed loosely because the test project has no DOM types.
  return page.evaluate(async (probe) => {
    interface Rect {
      top: number
      bottom: number
    }
    interface El {
      getBoundingClientRect(): Rect
      closest(selector: string): El | null
      click(): void
    }
    const g = globalThis as unknown as {
      document: {
        body: unknown
        querySelector(selector: string): El | null
        querySelectorAll(selector: string): { length: number }
      }
      requestAnimationFrame(callback: () => void): number
      setTimeout(callback: () => void, ms: number): number
      MutationObserver: new (callback: () => void) => {
        observe(target: unknown, options: Record<string, boolean>): void
        disconnect(): void
      }
    }
    const inView = (end: Rect, box: Rect) =>
      probe.edge === 'whole'
        ? end.top >= box.top && end.bottom <= box.bottom
        : end.bottom > box.top && end.bottom <= box.bottom + 1
    const seen: SettledFrame[] = []
    let changed = false
    const mutations = new g.MutationObserver(() => (changed = true))
    mutations.observe(g.document.body, { subtree: true, childList: true })
    g.document.querySelector(probe.click)?.click()
    await new Promise<void>((resolve) => {
      const check = () => {
        const count = g.document.querySelectorAll(probe.count).length
        if (count > 0 && !changed) {
          const end = g.document.querySelector(probe.end)
          const box = end?.closest(probe.box)
          seen.push({
            count,
            endInView:
              !!end && !!box && inView(end.getBoundingClientRect(), box.getBoundingClientRect()),
          })
          if (g.document.querySelector(probe.done)) return resolve()
        }
        g.requestAnimationFrame(() => {
          changed = false
          g.setTimeout(check, 0)
        })
      }
      check()
    })
    mutations.disconnect()
    return seen
  }, probe)
}
