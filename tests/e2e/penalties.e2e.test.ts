import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { runs } from './chat-page'
import {
  generate,
  openApp,
  setSettings,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
  lastWholeRun,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

describe('penalties and stop strings in the sampling panel', () => {
  it('reach the engine and change what a greedy run writes', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 30 })
    await generate(page, 'the the model')
    await waitForRunState(page, 'ended')
    const plain = runs(watcher.events).at(-1)!

    await page.locator('[data-testid=penalties] summary').click()
    await page.fill('[data-testid=presence-penalty-input]', '1.5')
    await page.fill('[data-testid=frequency-penalty-input]', '0.5')
    await page.fill('[data-testid=penalty-window-input]', '16')
    await expect
      .poll(() => page.locator('[data-testid=penalties] summary').textContent())
      .toContain('presence 1.5 · frequency 0.5 · last 16')
    const before = runs(watcher.events).length
    await page.locator('[data-testid=generate-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    await expect.poll(() => runs(watcher.events).at(-1)?.end !== undefined).toBe(true)
    const penalised = runs(watcher.events).at(-1)!
    expect(penalised.started?.sampling).toMatchObject({
      temperature: 0,
      presencePenalty: 1.5,
      frequencyPenalty: 0.5,
      penaltyWindow: 16,
    })
    const text = (run: typeof plain) => run.tokens.map((t) => t.text).join('')
    expect(text(penalised)).not.toBe(text(plain))
    // What the model thinks is still reported unpenalised: the first step is the same.
    // (The fast engine binary reads the head of an unpenalised step in double precision, the
    // whole distribution in float32: the same numbers to within 1e-6.)
    const first = (run: typeof plain) => run.tokens[0]?.alternatives ?? []
    expect(first(penalised).map((a) => a.id)).toEqual(first(plain).map((a) => a.id))
    first(penalised).forEach((alt, i) =>
      expect(alt.modelProb).toBeCloseTo(first(plain)[i]?.modelProb ?? NaN, 6),
    )
    await context.close()
  })
  it('replay in the Lab as the engine drew: the penalised candidates listed, the same shares after', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 1, 'max-tokens': 24, seed: 4 })
    await page.locator('[data-testid=penalties] summary').click()
    await page.fill('[data-testid=presence-penalty-input]', '1.5')
    await page.fill('[data-testid=frequency-penalty-input]', '0.5')
    await generate(page, 'the the the model the model')
    await waitForRunState(page, 'ended')
    const run = runs(watcher.events).at(-1)!
    expect(run.started?.sampling.presencePenalty).toBe(1.5)
    const context0 = [...run.started!.prompt, ...run.started!.forced].map((t) => t.id)
    // The first step where one of the alternatives was penalised (it occurs in the window).
    const window = run.started!.sampling.penaltyWindow ?? 64
    const index = run.tokens.findIndex((token, i) => {
      const seen = new Set([...context0, ...run.tokens.slice(0, i).map((t) => t.id)].slice(-window))
      return token.alternatives.some((alt) => seen.has(alt.id))
    })
    expect(index).toBeGreaterThanOrEqual(0)
    const step = run.tokens[index]!

    await page.locator('[data-testid=token-chip]').nth(index).click()
    await page.click('[data-testid=inspector-tab-lab]')
    await page.locator('[data-testid=lab-penalties]').waitFor()
    expect(await page.locator('[data-testid=lab-penalty]').count()).toBeGreaterThan(0)
    const after = async () =>
      new Map(
        await page
          .locator('[data-testid=lab-bar-after]')
          .evaluateAll((els) =>
            els.map((el) => [Number(el.dataset.tokenId), Number(el.dataset.prob)] as const),
          ),
      )
    // Each candidate's share after the penalised chain is the one the engine drew it with.
    const shares = await after()
    for (const alt of step.alternatives)
      if (shares.has(alt.id)) expect(shares.get(alt.id)).toBeCloseTo(alt.samplingProb, 6)
    expect(shares.get(step.id)).toBeCloseTo(step.samplingProb, 6)
    // Without the penalties the Lab shows another distribution.
    await page.uncheck('[data-testid=lab-apply-penalties]')
    await expect
      .poll(async () => (await after()).get(step.id))
      .not.toBeCloseTo(step.samplingProb, 6)
    await context.close()
  })

  it('apply a repeat penalty as llama.cpp does, and the Lab replays it from what the engine stored', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 1, 'max-tokens': 24, seed: 11 })
    await page.locator('[data-testid=penalties] summary').click()
    await page.fill('[data-testid=repeat-penalty-input]', '1.5')
    await expect
      .poll(() => page.locator('[data-testid=penalties] summary').textContent())
      .toContain('repeat 1.5')
    await generate(page, 'the the the model the model')
    await waitForRunState(page, 'ended')
    // The candidates after the alternatives stayed with the host; read them into the tokens.
    await lastWholeRun(watcher)
    const run = runs(watcher.events).at(-1)!
    expect(run.started?.sampling.repeatPenalty).toBe(1.5)
    // The first step where a shown alternative was penalised: the engine stored its logit shift.
    const index = run.tokens.findIndex((token) =>
      token.alternatives.some((alt) => alt.penaltyShift !== undefined),
    )
    expect(index).toBeGreaterThanOrEqual(0)
    const step = run.tokens[index]!

    await page.locator('[data-testid=token-chip]').nth(index).click()
    await page.click('[data-testid=inspector-tab-lab]')
    await page.locator('[data-testid=lab-penalties]').waitFor()
    await expect
      .poll(() => page.locator('[data-testid=lab-penalty-settings]').textContent())
      .toContain('repeat 1.5')
    // The Lab lists penalised candidates with llama.cpp's change to their logits.
    const rows = await page
      .locator('[data-testid=lab-penalty]')
      .evaluateAll((els) =>
        els.map((el) => [
          Number(el.dataset.tokenId),
          Number(el.dataset.after) - Number(el.dataset.before),
        ]),
      )
    expect(rows.length).toBeGreaterThan(0)
    const stored = new Map(
      [...step.alternatives, ...(step.moreCandidates ?? [])].map((c) => [c.id, c.penaltyShift]),
    )
    for (const [id, change] of rows) expect(change).toBeCloseTo(stored.get(id!) ?? NaN, 9)
    const shares = new Map(
      await page
        .locator('[data-testid=lab-bar-after]')
        .evaluateAll((els) =>
          els.map((el) => [Number(el.dataset.tokenId), Number(el.dataset.prob)] as const),
        ),
    )
    // Each candidate's share after the penalised chain is the one the engine drew it with.
    expect(shares.size).toBeGreaterThan(0)
    for (const alt of step.alternatives)
      if (shares.has(alt.id)) expect(shares.get(alt.id)).toBeCloseTo(alt.samplingProb, 6)
    expect(shares.get(step.id)).toBeCloseTo(step.samplingProb, 6)
    await context.close()
  })

  it('end a run where a stop string appears, and keep it for the next run', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { temperature: 0, 'max-tokens': 40 })
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    const free = runs(watcher.events).at(-1)!
    const stop = free.tokens[5]!.text + free.tokens[6]!.text
    await page.fill('[data-testid=stop-strings-input]', stop.replace(/\n/g, '\\n'))
    const before = runs(watcher.events).length
    await page.locator('[data-testid=generate-button]:enabled').click()
    await expect.poll(() => runs(watcher.events).length).toBe(before + 1)
    await page.locator('[data-testid=run-state][data-stop-reason=stop-string]').waitFor()
    const stopped = runs(watcher.events).at(-1)!
    const text = stopped.tokens.map((t) => t.text).join('')
    expect(text.includes(stop)).toBe(true)
    expect(
      free.tokens
        .map((t) => t.text)
        .join('')
        .startsWith(text),
    ).toBe(true)
    await page.reload()
    expect(await page.locator('[data-testid=stop-strings-input]').inputValue()).toBe(
      stop.replace(/\n/g, '\\n'),
    )
    await context.close()
  })
})
