import { statSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'
import { writeSplitDemoModel } from '../helpers/split-model'

let harness: EngineHarness
beforeAll(() => {
  harness = new EngineHarness()
})
afterAll(() => harness.stop())

describe('split GGUF files', () => {
  it('are listed once with the size of all parts, load from the first part, and generate the same numbers', async () => {
    const { folder, first, second } = writeSplitDemoModel()
    const listed = await harness.engine.scanModels({ folder })
    expect(listed).toHaveLength(1)
    expect(listed[0]?.parts).toBe(2)
    expect(listed[0]?.sizeBytes).toBe(statSync(first).size + statSync(second).size)
    expect(listed[0]?.card?.parameterCount).toBeGreaterThan(0)

    const info = await harness.engine.loadModel({ source: { kind: 'file', path: first } })
    expect(info.vocabSize).toBe(2048)
    // The Models tab recognises the loaded model by this path, not by its file name.
    expect(info.path).toBe(first)
    const run = await harness.generate({
      prompt: 'A token is',
      maxTokens: 6,
      sampling: { temperature: 0, topK: 1, topP: 1, minP: 0, seed: 1 },
    })
    const oracle = loadOracle(demoModelPath)
    let previous = run.started?.prompt.at(-1)?.id ?? -1
    for (const token of run.tokens) {
      expect(
        Math.abs(token.modelProb - (oracle.probs(previous)[token.id] ?? NaN)),
      ).toBeLessThanOrEqual(1e-3)
      previous = token.id
    }
  })
})
