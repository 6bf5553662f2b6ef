/**
 * `TOKENSCOPE_GPU=vulkan` on a machine without a Vulkan driver: the engine runs on the CPU, the
 * status bar marks it, and the Hardware panel says that Vulkan could not start, and why.
 */
import { getLlamaGpuTypes } from 'node-llama-cpp'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openApp, startServe, type ServeProcess } from './helpers'

const shots = process.env.TOKENSCOPE_SHOTS
// On a machine with a working Vulkan driver there is no failure to show.
const hasVulkan = (await getLlamaGpuTypes('supported')).includes('vulkan')

let serve: ServeProcess
let browser: Browser

beforeAll(async () => {
  if (hasVulkan) return
  // The engine process inherits the host's environment, as it does for a user's shell.
  process.env.TOKENSCOPE_GPU = 'vulkan'
  try {
    serve = await startServe()
  } finally {
    delete process.env.TOKENSCOPE_GPU
  }
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
})

describe.skipIf(hasVulkan)('a GPU backend that cannot start', () => {
  it.each(['light', 'dark'] as const)(
    'falls back to the CPU, marks it in the status bar and says why in the Hardware panel (%s)',
    async (colorScheme) => {
      const { context, page } = await openApp(browser, serve.url, { colorScheme })
      expect(await page.textContent('[data-testid=backend]')).toBe('CPU')
      // The status bar marks the fallback on every page, and leads to the reason.
      const marker = page.locator('[data-testid=backend-fallback]')
      expect(await marker.textContent()).toBe('GPU failed')
      expect(await marker.getAttribute('title')).toMatch(
        /^Vulkan could not start: .+ Running on CPU\./,
      )
      await marker.click()
      const notice = page.locator('[data-testid=hardware-fallback]')
      await notice.waitFor()
      const text = (await notice.textContent()) ?? ''
      expect(text).toMatch(/^Vulkan could not start: .+\. Running on CPU\./)
      expect(text).toContain('with Vulkan support')
      expect(text).not.toContain('NoBinaryFoundError')
      expect(await page.textContent('[data-testid=hardware-backend]')).toBe('CPU')
      if (shots) {
        await page
          .locator('[data-testid=hardware-panel]')
          .screenshot({ path: `${shots}/hardware-fallback-${colorScheme}.png` })
        await page.screenshot({ path: `${shots}/models-${colorScheme}.png` })
      }
      await context.close()
    },
  )
})
