import { describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { similarityMatrix } from '../../src/shared/embedding-math'
import {
  lastRun,
  openApp,
  waitForModel,
  type EngineWatcher,
  type ServeProcess,
  useAppUnderTest,
} from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const royalty = ['king', 'queen', 'man', 'woman', 'prince', 'princess', 'boy', 'girl']
const steps = [
  'text',
  'tokens',
  'ids',
  'embedding',
  'layers',
  'logits',
  'probabilities',
  'sampler',
  'next',
]

describe('Learn: embeddings and the pipeline walk-through', () => {
  it('compares a ready-made list: the engine’s similarity matrix and a labelled PCA map', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-embeddings]')
    await page.locator('[data-testid=embeddings-empty]').waitFor()
    const list = { items: royalty }
    await page.click('[data-testid=embeddings-list-royalty]')
    await page.locator('[data-testid=similarity-matrix]').waitFor()
    expect(await page.inputValue('[data-testid=embeddings-input]')).toBe(list.items.join('\n'))

    const n = list.items.length
    const cells = page.locator('[data-testid=similarity-cell]')
    expect(await cells.count()).toBe(n * n)
    const { vectors } = await watcher.bridge.embed({ texts: list.items })
    const expected = similarityMatrix(vectors)
    const titles = await cells.evaluateAll((els) => els.map((el) => el.getAttribute('title')))
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const shown = Number(/: (-?[\d.]+)$/.exec(titles[i * n + j] ?? '')?.[1])
        expect(shown).toBeCloseTo(expected[i]![j]!, 4)
      }
      expect(titles[i * n + i]).toMatch(/: 1\.0000$/)
    }

    // Every item is on the map (the demo model puts words it never saw on one spot, one label).
    const points = page.locator('[data-testid=embedding-point]')
    const members = await points.evaluateAll((els) =>
      els.flatMap((el) => (el.getAttribute('data-items') ?? '').split(',').map(Number)),
    )
    expect(members.sort((a, b) => a - b)).toEqual(list.items.map((_, i) => i))
    const labels = (await points.locator('title').allTextContents()).join(', ').split(', ')
    expect(labels.sort()).toEqual([...list.items].sort())
    await expect
      .poll(() => page.textContent('[data-testid=embedding-variance]'))
      .toMatch(/map shows \d+(\.\d)?% of how/)
    expect(await page.textContent('[data-testid=embeddings-how]')).toMatch(/128 numbers/)

    // A row picked in the matrix lights its point on the map, and the point picks it back off.
    await page.click(`th button:text-is("${list.items[2]!}")`)
    const lit = page.locator('[data-testid=embedding-point]:has(circle.fill-amber-500)')
    expect((await lit.getAttribute('data-items'))?.split(',')).toContain('2')
    await lit.locator('circle').click()
    await expect.poll(() => page.locator('th button[aria-pressed=true]').count()).toBe(0)
    await context.close()
  })

  it('embeds a long list in parts and shows the whole matrix', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-embeddings]')
    const items = Array.from({ length: 40 }, (_, i) => `token number ${i + 1}`)
    await page.fill('[data-testid=embeddings-input]', items.join('\n'))
    await page.click('[data-testid=embeddings-run]')
    await page.locator('[data-testid=similarity-matrix]').waitFor()
    expect(await page.locator('[data-testid=similarity-cell]').count()).toBe(40 * 40)
    expect(await page.locator('[data-testid=embeddings-progress]').count()).toBe(0)
    await context.close()
  })

  it('says why nothing can be compared while no model is loaded', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-embeddings]')
    await watcher.bridge.unloadModel()
    await page.locator('[data-testid=no-model-banner]').waitFor()
    expect(await page.locator('[data-testid=embeddings-run]').isDisabled()).toBe(true)
    await watcher.bridge.loadModel({ source: { kind: 'demo' } })
    await waitForModel(page)
    await page.locator('[data-testid=embeddings-run]:enabled').waitFor()
    await context.close()
  })

  it('walks one sentence from text to the next token with the engine’s own numbers', async () => {
    const { context, page } = await openApp(browser, serve.url)
    await page.click('[data-testid=nav-pipeline]')
    await page.fill('[data-testid=pipeline-input]', 'The model reads the')
    await page.click('[data-testid=pipeline-run]')
    const step = page.locator('[data-testid=pipeline-step]')
    await step.waitFor()
    await expect.poll(() => lastRun(watcher.events).end?.kind).toBe('ended')
    const run = lastRun(watcher.events)
    expect(run.tokens).toHaveLength(1)

    const seen: string[] = []
    for (const [i, id] of steps.entries()) {
      const expected = { id }
      expect(await step.getAttribute('data-step')).toBe(expected.id)
      seen.push(expected.id)
      if (expected.id === 'tokens') {
        const chips = page.locator('[data-testid=pipeline-tokens] > span')
        expect(await chips.count()).toBe(run.started.prompt.length)
      }
      if (expected.id === 'ids') {
        const ids = run.started.prompt.map((t) => t.id).join(', ')
        expect(await step.textContent()).toContain(`[${ids}]`)
      }
      if (expected.id === 'embedding') {
        await page.locator('[data-testid=pipeline-embedding-rows]').waitFor()
        expect(await page.textContent('[data-testid=pipeline-dmodel]')).toBe('128')
      }
      if (expected.id === 'layers') {
        await expect
          .poll(() => page.textContent('[data-testid=pipeline-layers]'))
          .toMatch(/Layers1/)
      }
      if (expected.id === 'next') {
        expect(await page.getAttribute('[data-testid=pipeline-next]', 'data-token-id')).toBe(
          String(run.tokens[0]!.id),
        )
      }
      if (i < steps.length - 1) await page.click('[data-testid=pipeline-next-step]')
    }
    expect(seen).toHaveLength(9)
    // The keyboard steps back too.
    await step.focus()
    await page.keyboard.press('ArrowLeft')
    expect(await step.getAttribute('data-step')).toBe('sampler')
    await context.close()
  })
})
