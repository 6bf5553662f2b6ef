import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Browser, Locator } from 'playwright-core'
import { writeBenchVocabularyModel } from '../helpers/vocab-model'
import { openApp, type EngineWatcher, type ServeProcess, useAppUnderTest } from './helpers'

let serve: ServeProcess
let browser: Browser
let watcher: EngineWatcher
useAppUnderTest((app) => ({ serve, browser, watcher } = app))

const idsIn = (column: Locator) =>
  column
    .locator('[data-testid=compare-token]')
    .evaluateAll((chips) => chips.map((c) => Number(c.getAttribute('data-id'))))

describe('comparing tokenizers', () => {
  it('shows the same text under the demo model and a second GGUF’s vocabulary, and a bad file’s error in its own column', async () => {
    const folder = await watcher.bridge.modelsFolder()
    mkdirSync(folder, { recursive: true })
    const bench = writeBenchVocabularyModel(folder)
    const broken = join(folder, 'broken.gguf')
    writeFileSync(broken, 'not a model at all')

    const { context, page } = await openApp(browser, `${serve.url}#tokenizer`)
    const text = 'Tokenizers split the same text differently: café, 日本語, 👩‍💻.\nNew line.'
    await page.fill('[data-testid=tokenizer-input]', text)
    const columns = page.locator('[data-testid=compare-column]')
    expect(await columns.count()).toBe(2)
    const [first, second] = [columns.nth(0), columns.nth(1)]

    // The first column starts on the loaded (demo) model: the same IDs as the main view.
    const demoIds = (await watcher.bridge.tokenize({ text, specialTokens: true })).map((t) => t.id)
    await expect.poll(() => idsIn(first)).toEqual(demoIds)

    // The second: the bench vocabulary, read from the models folder's list.
    await second.locator('[data-testid=compare-model]').selectOption(bench)
    const benchIds = (
      await watcher.bridge.tokenizeWith({
        source: { kind: 'file', path: bench },
        text,
        specialTokens: true,
      })
    ).map((t) => t.id)
    expect(benchIds).not.toEqual(demoIds)
    await expect.poll(() => idsIn(second)).toEqual(benchIds)
    await expect
      .poll(() => second.locator('[data-testid=compare-counts]').getAttribute('data-tokens'))
      .toBe(String(benchIds.length))
    expect(await second.locator('[data-testid=compare-counts]').textContent()).toMatch(
      /characters · [\d,]+ tokens · [\d.]+ characters\/token/,
    )

    // A third column on a file that is not a GGUF: its error, the others unchanged.
    await page.click('[data-testid=compare-add]')
    const third = columns.nth(2)
    await third.locator('[data-testid=compare-model]').selectOption(broken)
    await expect
      .poll(() => third.locator('[data-testid=compare-error]').textContent())
      .toMatch(/^broken\.gguf: .*GGUF/)
    expect(await idsIn(first)).toEqual(demoIds)
    expect(await idsIn(second)).toEqual(benchIds)

    // Nothing was loaded in place of the model.
    const status = await watcher.bridge.getStatus()
    expect(status.model?.isDemo).toBe(true)
    await context.close()
  })
})
