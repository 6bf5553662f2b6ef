import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import type { EngineBridge } from '../../src/shared/bridge'
import type { RunEvent } from '../../src/shared/contract'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'
import { fillFromPage } from '../../src/shared/session-pages'

export { startServe, type ServeProcess } from '../helpers/serve-process'

/** A system Chromium: $CHROMIUM_PATH, the Debian/Ubuntu packages, or Playwright's own download. */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ]
  const found = candidates.find((path): path is string => !!path && existsSync(path))
  if (found) return found
  const bundled = chromium.executablePath()
  if (existsSync(bundled)) return bundled
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one (e.g. `apt-get install chromium`) ' +
      'or point CHROMIUM_PATH at a Chrome/Chromium binary.',
  )
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** A fresh browser context (no cookies, no saved settings) with the app open and a model loaded. */
export async function openApp(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; randomSeeds?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  })
  // The app draws a new seed for every run; a test that needs a reply of some length would then
  // depend on chance (a draw that ends the reply after two tokens). Tests run on the default
  // seed, locked, unless they are about the drawing itself.
  if (!options.randomSeeds) {
    const seedLockKey = 'tokenscope.seed-locked' // useSettingsPersistence.ts
    await context.addInitScript(
      `if (localStorage.getItem('${seedLockKey}') === null) localStorage.setItem('${seedLockKey}', 'true')`,
    )
  }
  const page = await context.newPage()
  await page.goto(url)
  await waitForModel(page)
  return { context, page }
}

/** Waits until the status bar names a loaded model. */
export async function waitForModel(page: Page, timeout = 90_000): Promise<void> {
  await page.locator('[data-testid=model-name][data-loaded]').waitFor({ timeout })
}

/** Waits until at least `count` generated-token chips are on the page. */
export async function waitForChips(page: Page, count: number, timeout = 90_000): Promise<void> {
  await page
    .locator('[data-testid=token-chip]')
    .nth(count - 1)
    .waitFor({ state: 'attached', timeout })
}

export type SettingInput = 'temperature' | 'top-k' | 'top-p' | 'min-p' | 'seed' | 'max-tokens'

export async function setSettings(
  page: Page,
  values: Partial<Record<SettingInput, number>>,
): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    await page.fill(`[data-testid=${name}-input]`, String(value))
  }
}

/** Types a prompt and presses Generate once the button allows it. */
export async function generate(page: Page, prompt: string): Promise<void> {
  await page.fill('[data-testid=prompt-input]', prompt)
  await page.locator('[data-testid=generate-button]:enabled').click()
}

/**
 * Waits until the view shows `state`. A run that fails instead is reported at once, with what
 * the page says, and a wait that outlasts the test's own timeout still says which state it saw.
 */
export async function waitForRunState(
  page: Page,
  state: 'idle' | 'running' | 'ended' | 'failed',
  timeout = 45_000,
): Promise<void> {
  const runState = page.locator('[data-testid=run-state]')
  const wanted = page.locator(`[data-testid=run-state]:text-is("${state}")`)
  const failed = page.locator('[data-testid=run-state]:text-is("failed")')
  const either = state === 'failed' ? wanted : wanted.or(failed)
  try {
    await either.first().waitFor({ timeout })
  } catch (error) {
    const shown = await runState.textContent().catch(() => null)
    throw new Error(`the run state stayed "${shown}" instead of "${state}"`, { cause: error })
  }
  if (state !== 'failed' && (await failed.count()) > 0) {
    const alert = await page.locator('[role=alert]').allTextContents()
    throw new Error(`the run failed instead of reaching "${state}": ${alert.join(' | ')}`)
  }
}

export interface StreamSnapshot {
  state: string
  chips: number
  used: number
}

/**
 * Records, in the page, every distinct (run state, chip count, context used) the DOM goes
 * through, so a test can tell that tokens appeared while the run was still going without
 * racing the engine.
 */
export async function recordStream(page: Page): Promise<() => Promise<StreamSnapshot[]>> {
  // Runs in the page; the app's CSP forbids string eval, so this is a function, typed loosely
  // because the test project has no DOM types.
  await page.evaluate(() => {
    interface El {
      textContent: string | null
      getAttribute(name: string): string | null
    }
    const page = globalThis as unknown as {
      document: {
        body: unknown
        querySelector(selector: string): El | null
        querySelectorAll(selector: string): { length: number }
      }
      MutationObserver: new (callback: () => void) => {
        observe(target: unknown, options: Record<string, boolean>): void
      }
      __streamSnapshots?: { state: string; chips: number; used: number }[]
    }
    const seen: { state: string; chips: number; used: number }[] = []
    const snap = () => {
      const doc = page.document
      const state = doc.querySelector('[data-testid=run-state]')?.textContent ?? ''
      const chips = doc.querySelectorAll('[data-testid=token-chip]').length
      const used = Number(
        doc.querySelector('[data-testid=context-gauge]')?.getAttribute('data-used'),
      )
      const last = seen[seen.length - 1]
      if (!last || last.state !== state || last.chips !== chips || last.used !== used) {
        seen.push({ state, chips, used })
      }
    }
    new page.MutationObserver(snap).observe(page.document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    })
    snap()
    page.__streamSnapshots = seen
  })
  return () =>
    page.evaluate(
      () =>
        (globalThis as unknown as { __streamSnapshots?: StreamSnapshot[] }).__streamSnapshots ?? [],
    )
}

/**
 * A second client of the same host: the host sends every run event to all clients, so this
 * sees exactly what the engine sent to the page.
 */
export async function watchEngine(
  serve: ServeProcess,
): Promise<{ events: RunEvent[]; bridge: EngineBridge; close(): void }> {
  const bridge = await connectBridge(serve)
  const events: RunEvent[] = []
  bridge.subscribe({ onRunEvent: (event) => events.push(event) })
  return {
    events,
    bridge,
    close() {
      bridge.close()
      bridge.disconnect()
    },
  }
}

/** The last run the engine started, with its generated tokens, as the watcher saw it. */
export function lastRun(events: readonly RunEvent[]) {
  const started = [...events].reverse().find((e) => e.kind === 'started')
  if (!started || started.kind !== 'started') throw new Error('the engine started no run')
  const mine = events.filter((e) => e.runId === started.runId)
  const tokens = mine.flatMap((e) => (e.kind === 'tokens' ? e.tokens : []))
  const end = mine.find((e) => e.kind === 'ended' || e.kind === 'failed')
  return { started, tokens, end }
}

export type EngineWatcher = Awaited<ReturnType<typeof watchEngine>>

/**
 * `lastRun` (or `run`) with its tokens whole: the Lab's candidates that the host held back from the stream
 * (`heldCandidates`) read back from the host into the tokens, as the page does.
 */
export async function lastWholeRun(watcher: EngineWatcher, run = lastRun(watcher.events)) {
  if (run.tokens.some((t) => t.heldCandidates !== undefined))
    fillFromPage(
      run.tokens,
      await watcher.bridge.loadRunCandidates({
        runId: run.started.runId,
        from: 0,
        to: run.tokens.length,
      }),
    )
  return run
}

export interface AppUnderTest {
  serve: ServeProcess
  browser: Browser
  watcher: EngineWatcher
}

/**
 * Starts `serve`, Chromium and an engine watcher before the file's tests and stops them after;
 * `receive` hands them to the file.
 */
export function useAppUnderTest(
  receive: (app: AppUnderTest) => void,
  serveOptions: Parameters<typeof startServe>[0] = {},
): void {
  let app: Partial<AppUnderTest> = {}
  beforeAll(async () => {
    const serve = await startServe(serveOptions)
    app = { serve }
    app.browser = await launchBrowser()
    app.watcher = await watchEngine(serve)
    receive(app as AppUnderTest)
  })
  afterAll(async () => {
    app.watcher?.close()
    await app.browser?.close()
    await app.serve?.stop()
  })
}

/**
 * Runs `body` with the demo model loaded with a long context, so that a long run is still going
 * when the test stops it, however loaded the machine is (the demo writes ~1,000 tokens a second
 * and would fill its default 2,048 first). The default context is loaded again afterwards.
 */
export async function withLongContext(
  watcher: EngineWatcher,
  body: () => Promise<void>,
): Promise<void> {
  await watcher.bridge.loadModel({ source: { kind: 'demo' }, contextSize: 32_768 })
  try {
    await body()
  } finally {
    await watcher.bridge.loadModel({ source: { kind: 'demo' } })
  }
}
