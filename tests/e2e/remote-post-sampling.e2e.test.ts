import type { Page } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  postSamplingModel,
  postSamplingScript,
  startPostSamplingServer,
} from '../helpers/post-sampling-server'
import { openChat, replies, send } from './chat-page'
import {
  generate,
  lastRun,
  openApp,
  useAppUnderTest,
  waitForRunState,
  type EngineWatcher,
  type ServeProcess,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

let server: Awaited<ReturnType<typeof startPostSamplingServer>>
beforeAll(async () => {
  server = await startPostSamplingServer()
})
afterAll(async () => {
  await server?.stop()
})

/** The sampling probability the server reported for each scripted token, in order. */
const reported = postSamplingScript.map((t) => t.top.find((c) => c.id === t.id)!.prob)

/** No number on the page that was not measured: no NaN, no Infinity, no undefined. */
async function expectNoBrokenNumbers(page: Page) {
  const text = await page.locator('body').innerText()
  expect(text).not.toMatch(/NaN|Infinity|undefined/)
}

describe('a remote server that reports probabilities after sampling', () => {
  it('shows them as sampling probabilities, and the model probability as not reported', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-models]')
    const panel = page.locator('[data-testid=remote-panel]')
    await panel.locator('[data-testid=remote-url]').fill(server.url)
    await panel.locator('[data-testid=remote-probabilities]').selectOption('sampling')
    await panel.locator('[data-testid=remote-add]').click()
    const kind = panel.locator('[data-testid=remote-probabilities-kind]')
    expect(await kind.getAttribute('data-kind')).toBe('sampling')
    expect(await kind.textContent()).toBe('· after-sampling probabilities')
    const model = panel.locator('[data-testid=remote-model]', { hasText: postSamplingModel })
    await model.locator('[data-testid=remote-use-model]').click()
    await panel.locator('[data-testid=remote-choice]').waitFor()

    // Completion: the chips carry the server's numbers as sampling probabilities.
    await page.click('[data-testid=nav-completion]')
    await generate(page, 'A token is')
    await waitForRunState(page, 'ended')
    expect(server.bodies.at(-1)).toMatchObject({ post_sampling_probs: true })
    const run = lastRun(watcher.events)
    expect(run.tokens.map((t) => t.text)).toEqual(postSamplingScript.map((t) => t.text))
    expect(run.tokens.every((t) => t.reported?.modelProb === false)).toBe(true)
    const chips = page.locator('[data-testid=token-chip]')
    const chipNumbers = await chips.evaluateAll((els) =>
      els.map((el) => [el.getAttribute('data-model-prob'), el.getAttribute('data-sampling-prob')]),
    )
    expect(chipNumbers).toEqual(reported.map((p) => [null, String(p)]))
    expect(await chips.nth(0).getAttribute('aria-label')).toBe(
      '" A", sampling probability 62.5%, model probability not reported',
    )
    // Untinted, and the legend says why, in every colour mode.
    for (const mode of ['probability', 'surprise', 'entropy']) {
      await page.locator(`[data-testid=color-mode-${mode}]`).click()
      expect(await page.locator('[data-testid=legend-not-reported]').getAttribute('title')).toMatch(
        mode === 'entropy' ? /Uncertainty not reported/ : /Model probability not reported/,
      )
    }
    await page.locator('[data-testid=color-mode-probability]').click()

    // The inspector: sampling probability measured, model probability not, the Lab off.
    await chips.nth(2).click()
    const inspector = page.locator('[data-testid=token-details][data-pinned=true]')
    await inspector.waitFor()
    expect(await inspector.locator('[data-testid=detail-model-prob]').textContent()).toBe(
      'not reported',
    )
    expect(
      Number(
        await inspector.locator('[data-testid=detail-sampling-prob]').getAttribute('data-value'),
      ),
    ).toBe(0.25)
    expect(await inspector.locator('[data-testid=detail-rank]').textContent()).toBe('2')
    expect(await inspector.locator('[data-testid=detail-token-id]').textContent()).toBe('30')
    const rows = inspector.locator('[data-testid=alternative-row]')
    expect(
      await rows.evaluateAll((els) =>
        els.map((el) => [
          el.getAttribute('data-model-prob'),
          el.getAttribute('data-sampling-prob'),
        ]),
      ),
    ).toEqual([
      [null, '0.5'],
      [null, '0.25'],
      [null, '0.25'],
    ])
    expect(await inspector.textContent()).toMatch(/did not report model probabilities/)
    const lab = inspector.locator('[data-testid=inspector-tab-lab]')
    expect(await lab.isDisabled()).toBe(true)
    expect(await lab.getAttribute('title')).toMatch(/only its probabilities after sampling/)
    await expectNoBrokenNumbers(page)

    // Chat: the reply says what its chips lack.
    await openChat(page)
    await send(page, 'What is a token?', 1)
    const reply = replies(page).first()
    expect(await reply.locator('[data-testid=reply-not-reported]').textContent()).toBe(
      '· model probability not reported',
    )
    await openChat(page, 'markdown')
    await expectNoBrokenNumbers(page)

    // Compare: statistics that need model probabilities say so; the chart is of sampling ones.
    await page.click('[data-testid=nav-compare]')
    await page.fill('[data-testid=compare-prompt-input]', 'A token is')
    const engine = page.locator('[data-testid=compare-engine-1]')
    await engine.locator('option', { hasText: postSamplingModel }).waitFor({ state: 'attached' })
    await engine.selectOption({ label: postSamplingModel })
    await page.locator('[data-testid=compare-generate]:enabled').click()
    const column = page.locator('[data-testid=compare-column-1]')
    await column.locator('[data-testid=column-state]:text-is("ended")').waitFor()
    const stat = (id: string) => column.locator(`[data-testid=stat-${id}]`).textContent()
    await page.locator('[data-testid=legend-not-reported]').waitFor()
    expect(await stat('perplexity')).toBe('not reported')
    expect(await stat('logprob')).toBe('not reported')
    expect(await stat('entropy')).toBe('not reported')
    expect(await stat('tokens')).toBe(String(postSamplingScript.length))
    if (
      (await column.locator('[data-testid=stats-toggle]').getAttribute('aria-expanded')) !== 'true'
    )
      await column.locator('[data-testid=stats-toggle]').click()
    const chart = column.locator('[data-testid=probability-chart]')
    expect(await chart.getAttribute('data-measure')).toBe('sampling')
    expect(await column.textContent()).toMatch(/Sampling probability along the text/)
    await expectNoBrokenNumbers(page)

    // The same address added again with raw probabilities updates the endpoint, not a second one.
    await page.click('[data-testid=nav-models]')
    await panel.locator('[data-testid=remote-url]').fill(server.url)
    await panel.locator('[data-testid=remote-add]').click()
    await panel.locator('[data-testid=remote-probabilities-kind][data-kind=model]').waitFor()
    expect(await panel.locator('[data-testid=remote-endpoint]').count()).toBe(1)
    await context.close()
  })
})
