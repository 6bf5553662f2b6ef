import { describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { RunEvent } from '../../src/shared/contract'
import { labCandidates, labStep } from '../../src/shared/lab'
import { defaultSampling } from '../../src/shared/schemas'
import {
  generate,
  lastRun,
  lastWholeRun,
  openApp,
  setSettings,
  waitForModel,
  waitForRunState,
  type ServeProcess,
  useAppUnderTest,
  type EngineWatcher,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const chips = (page: Page) => page.locator('[data-testid=token-chip]')
const chipIds = (page: Page) =>
  chips(page).evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-token-id'))))

/** Waits until the watcher has seen `count` runs end. */
async function waitForEnds(count: number, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout
  const ends = () => watcher.events.filter((e: RunEvent) => e.kind === 'ended').length
  while (ends() < count) {
    if (Date.now() > deadline) throw new Error(`only ${ends()} of ${count} runs ended`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const endsSoFar = () => watcher.events.filter((e) => e.kind === 'ended').length

describe('Inspect and steer in a real browser against `serve`', () => {
  it('inspects a token in the docked panel and steps through tokens with ←/→', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 16, seed: 3 })
    const before = endsSoFar()
    await generate(page, 'The model predicts')
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')
    const run = lastRun(watcher.events)

    // The inspector takes the settings' place in the side column, so picking a token does not
    // narrow (and re-wrap) the transcript.
    const stream = page.locator('[role=group][aria-label^="Tokens."]')
    const widthBefore = (await stream.boundingBox())?.width ?? 0
    expect(widthBefore).toBeGreaterThan(0)
    await chips(page).nth(3).click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    await inspector.waitFor()
    expect((await stream.boundingBox())?.width).toBe(widthBefore)
    expect(await inspector.getAttribute('data-token-index')).toBe('3')
    expect(await inspector.locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(run.tokens[3]?.id),
    )
    expect(await inspector.locator('[data-testid=detail-text]').textContent()).toBe(
      JSON.stringify(run.tokens[3]?.text),
    )
    expect(await inspector.locator('[data-testid=detail-bytes]').textContent()).toMatch(
      /^([0-9a-f]{2} ?)+/,
    )
    await page.keyboard.press('ArrowRight')
    await page.locator('[data-testid=token-details][data-token-index="4"]').waitFor()
    expect(await inspector.locator('[data-testid=detail-token-id]').textContent()).toBe(
      String(run.tokens[4]?.id),
    )
    await page.keyboard.press('ArrowLeft')
    await page.locator('[data-testid=token-details][data-token-index="3"]').waitFor()

    // Closed, the settings come back in its place; the next pick brings it again.
    await inspector.locator('[aria-label="Close the inspector (Esc)"]').click()
    await page.locator('[data-testid=temperature-input]').waitFor()
    expect((await stream.boundingBox())?.width).toBe(widthBefore)
    await chips(page).nth(5).click()
    await page.locator('[data-testid=token-details][data-token-index="5"]').waitFor()
    await context.close()
  })

  it('recomputes the Sampling Lab live from the stored logits, as the engine’s numbers say', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 8, seed: 5 })
    const before = endsSoFar()
    await generate(page, 'A token is')
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')
    const step = (await lastWholeRun(watcher)).tokens[2]
    if (!step) throw new Error('the run generated too few tokens')

    await chips(page).nth(2).click()
    await page.click('[data-testid=inspector-tab-lab]')
    const lab = page.locator('[data-testid=sampling-lab]')
    await lab.waitFor()

    // Top-k off: the chain reaches past the stored candidates, and the Lab says so.
    await page.fill('[data-testid=lab-top-k-input]', '0')
    await page.fill('[data-testid=lab-top-p-input]', '1')
    await page.fill('[data-testid=lab-min-p-input]', '0')
    await page.locator('[data-testid=lab-incomplete]').waitFor()
    expect(await lab.getAttribute('data-complete')).toBe('false')

    await page.fill('[data-testid=lab-top-k-input]', '5')
    await page.locator('[data-testid=lab-incomplete]').waitFor({ state: 'detached' })
    const afterBars = page.locator('[data-testid=lab-bar-after]')
    const read = () =>
      afterBars.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-prob'))))
    const cool = await read()

    await page.fill('[data-testid=lab-temperature]', '1.8')
    // The bars follow the slider with no model call; wait for the next render.
    let hot = await read()
    for (let i = 0; i < 200 && JSON.stringify(hot) === JSON.stringify(cool); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      hot = await read()
    }
    expect(hot).not.toEqual(cool)
    // Hotter spreads probability: the top token loses some, the fifth gains some.
    expect(hot[0]).toBeLessThan(cool[0] ?? 0)
    expect(hot[4]).toBeGreaterThan(cool[4] ?? 0)

    const stored = labCandidates(step)
    const expected = labStep(
      stored.candidates,
      { temperature: 1.8, topK: 5, topP: 1, minP: 0 },
      stored.tailMass,
    )
    expected.bars.forEach((bar, i) => expect(hot[i]).toBeCloseTo(bar.afterProb ?? NaN, 12))
    expect(
      Number(await page.getAttribute('[data-testid=lab-kept-mass]', 'data-value')),
    ).toBeCloseTo(expected.keptMass ?? NaN, 12)
    expect(await page.locator('[data-testid=lab-topk-cut]').count()).toBe(1)

    // Greedy puts everything on the top token; "Apply" hands the settings to the generator.
    await page.check('[data-testid=lab-greedy]')
    expect(await read()).toEqual(stored.candidates.map((_, i) => (i === 0 ? 1 : 0)))
    await page.click('[data-testid=lab-apply]')
    expect(await page.inputValue('[data-testid=temperature-input]')).toBe('0')
    expect(await page.inputValue('[data-testid=top-k-input]')).toBe('5')
    await context.close()
  })

  it('opens the Lab complete on the default settings: tokens kept, probability kept, bars after', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 6, seed: 8 })
    const before = endsSoFar()
    await generate(page, 'The cat sat on')
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')
    const streamed = lastRun(watcher.events).tokens[1]
    if (!streamed) throw new Error('the run generated too few tokens')
    // Top-k 40 reaches past the 10 alternatives: the token kept the other 30 for the Lab, which
    // the host holds (the run is recorded) instead of streaming them; the Lab reads them back.
    expect(streamed.alternatives).toHaveLength(10)
    expect(streamed.moreCandidates).toBeUndefined()
    expect(streamed.heldCandidates).toBe(defaultSampling.topK - 10)
    const step = (await lastWholeRun(watcher)).tokens[1]!
    expect(step.moreCandidates).toHaveLength(defaultSampling.topK - 10)

    await chips(page).nth(1).click()
    await page.click('[data-testid=inspector-tab-lab]')
    const lab = page.locator('[data-testid=sampling-lab]')
    await lab.waitFor()
    expect(await lab.getAttribute('data-complete')).toBe('true')
    expect(await page.locator('[data-testid=lab-incomplete]').count()).toBe(0)
    const stored = labCandidates(step)
    const expected = labStep(stored.candidates, defaultSampling, stored.tailMass)
    expect(Number(await page.getAttribute('[data-testid=lab-kept-count]', 'data-value'))).toBe(
      expected.keptCount,
    )
    expect(
      Number(await page.getAttribute('[data-testid=lab-kept-mass]', 'data-value')),
    ).toBeCloseTo(expected.keptMass ?? NaN, 12)
    // After the chain, each kept token's share is the one the engine drew it with.
    const after = await page
      .locator('[data-testid=lab-bar-after]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-prob'))))
    step.alternatives.forEach((alt, i) => expect(after[i]).toBeCloseTo(alt.samplingProb, 6))
    await context.close()
  })

  it('branches from an alternative, reuses the cache, and switches between siblings', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await setSettings(page, { 'max-tokens': 12, seed: 11 })
    let before = endsSoFar()
    await generate(page, 'Attention lets every token look at')
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')
    const original = lastRun(watcher.events)
    const originalIds = original.tokens.map((t) => t.id)
    expect(await chipIds(page)).toEqual(originalIds)

    const k = 4
    await chips(page).nth(k).click()
    const pick = page.locator('[data-testid=branch-from-alternative]:enabled').first()
    const pickedId = Number(await pick.locator('xpath=..').getAttribute('data-token-id'))
    before = endsSoFar()
    await pick.click()
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')

    const branch = lastRun(watcher.events)
    expect(branch.started.prompt.map((t) => t.id)).toEqual(original.started.prompt.map((t) => t.id))
    expect(branch.started.forced.map((t) => t.id)).toEqual([...originalIds.slice(0, k), pickedId])
    const branchIds = [...originalIds.slice(0, k), pickedId, ...branch.tokens.map((t) => t.id)]
    await page.locator(`[data-testid=token-chip][data-index="${branchIds.length - 1}"]`).waitFor()
    expect(await chipIds(page)).toEqual(branchIds)
    // The branch's first token keeps its step's Lab candidates, which the stream left with the
    // host, though the Lab was never opened on that step.
    const step = (await lastWholeRun(watcher, original)).tokens[k]!
    expect(step.moreCandidates?.length).toBeGreaterThan(0)
    const session = (await watcher.bridge.listSessions()).find((s) => s.kind === 'completion')
    await expect
      .poll(
        async () =>
          (await watcher.bridge.loadSession({ id: session!.id })).nodes.find(
            (n) => n.origin === 'branch',
          )?.run?.tokens[0]?.moreCandidates,
      )
      .toEqual(step.moreCandidates)

    // Only what follows the branch point was evaluated; the shared prefix came from the cache.
    const stats = page.locator('[data-testid=branch-stats]')
    const end = branch.end?.kind === 'ended' ? branch.end.stats : null
    expect(Number(await stats.getAttribute('data-reused'))).toBe(original.started.prompt.length + k)
    expect(Number(await stats.getAttribute('data-evaluated'))).toBe(end?.evaluatedTokens)
    expect(await stats.textContent()).toMatch(/reused \d+ tokens from the cache, evaluated \d+/)

    // The divergence is marked where the branches part: ‹ 2/2 ›.
    const switcher = page.locator('[data-testid=branch-switcher]')
    expect(await switcher.getAttribute('data-position')).toBe(String(k))
    expect(await switcher.textContent()).toContain('2/2')

    await page.click('[data-testid=branch-prev]')
    await page.locator('[data-testid=branch-switcher][data-branch-index="0"]').waitFor()
    expect(await chipIds(page)).toEqual(originalIds)
    expect(await page.locator('[data-testid=branch-bar]').count()).toBe(0)

    await page.click('[data-testid=branch-next]')
    await page.locator('[data-testid=branch-switcher][data-branch-index="1"]').waitFor()
    expect(await chipIds(page)).toEqual(branchIds)

    // Picking the same alternative again shows the branch that exists instead of a new run.
    const ends = endsSoFar()
    await page.click('[data-testid=branch-prev]')
    // The selection stays on the token where the branches part.
    await page.locator(`[data-testid=token-details][data-token-index="${k}"]`).waitFor()
    await page.locator(`[data-testid=alternative-row][data-token-id="${pickedId}"] button`).click()
    await page.locator('[data-testid=branch-switcher][data-branch-index="1"]').waitFor()
    expect(endsSoFar()).toBe(ends)
    await context.close()
  })

  it('keeps the colour mode, N and saved presets across reloads, and asks for N alternatives', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=color-mode-surprise]')
    expect(await page.getAttribute('[data-testid=color-legend]', 'data-mode')).toBe('surprise')

    await page.click('[data-testid=preset][data-preset="Precise"]')
    expect(await page.inputValue('[data-testid=temperature-input]')).toBe('0.2')
    await page.fill('[data-testid=top-p-input]', '0.8')
    await page.click('[data-testid=preset-new]')
    await page.fill('[data-testid=preset-name-input]', 'My focus')
    await page.click('[data-testid=preset-save]')
    await page.locator('[data-testid=preset][data-preset="My focus"][aria-pressed=true]').waitFor()

    await setSettings(page, { 'max-tokens': 6 })
    const before = endsSoFar()
    await generate(page, 'Loss measures')
    await waitForEnds(before + 1)
    await waitForRunState(page, 'ended')
    await chips(page).nth(0).click()
    await page.fill('[data-testid=top-n-input]', '25')

    await page.reload()
    await waitForModel(page)
    expect(await page.getAttribute('[data-testid=color-mode-surprise]', 'aria-pressed')).toBe(
      'true',
    )
    expect(await page.getAttribute('[data-testid=color-legend]', 'data-mode')).toBe('surprise')
    await page.click('[data-testid=preset][data-preset="Balanced"]')
    await page.click('[data-testid=preset][data-preset="My focus"]')
    expect(await page.inputValue('[data-testid=top-p-input]')).toBe('0.8')

    const again = endsSoFar()
    await generate(page, 'Loss measures')
    await waitForEnds(again + 1)
    await waitForRunState(page, 'ended')
    const run = lastRun(watcher.events)
    expect(run.tokens[0]?.alternatives).toHaveLength(25)
    expect(run.started.sampling).toMatchObject({ temperature: 0.2, topK: 20, topP: 0.8 })
    // The hover card tints its token like the chip, by the colour mode the reader picked: find
    // a token whose entropy tint differs from its probability tint, and hover it.
    const tints = () =>
      chips(page).evaluateAll((els) =>
        els.slice(0, 12).map(
          (el) =>
            (
              globalThis as unknown as {
                getComputedStyle(e: unknown): { backgroundColor: string }
              }
            ).getComputedStyle(el).backgroundColor,
        ),
      )
    await page.click('[data-testid=color-mode-probability]')
    const byProbability = await tints()
    await page.click('[data-testid=color-mode-entropy]')
    const byEntropy = await tints()
    const telling = byEntropy.findIndex((tint, i) => tint !== byProbability[i])
    expect(telling).toBeGreaterThanOrEqual(0)
    await chips(page).nth(telling).hover()
    const badge = page.locator('[data-testid=token-details] [data-testid=detail-token-text]')
    await badge.waitFor()
    expect(
      await badge.evaluate(
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(el).backgroundColor,
      ),
    ).toBe(byEntropy[telling])
    await chips(page).nth(0).click()
    await expect.poll(() => page.locator('[data-testid=alternative-row]').count()).toBe(25)
    await context.close()
  })
})
