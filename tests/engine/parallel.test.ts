import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applySamplerChain } from '../../src/shared/sampling'
import type { SamplingSettings } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness, summarize } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'

let harness: EngineHarness
let oracle: Awaited<ReturnType<typeof loadOracle>>
const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }
const prompt = 'The sampler chain'

beforeAll(async () => {
  harness = new EngineHarness()
  oracle = await loadOracle(demoModelPath)
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

async function generateMany(runs: { sampling: SamplingSettings; maxTokens: number }[]) {
  const withIds = runs.map((run, i) => ({ ...run, runId: `many-${Date.now()}-${i}` }))
  await harness.engine.generateMany({ prompt, topN: 10, runs: withIds })
  return Promise.all(withIds.map(async (run) => summarize(await harness.waitForEnd(run.runId))))
}

describe('parallel runs in one batch', () => {
  it('three greedy runs equal one single greedy run', async () => {
    const single = await harness.generate({ prompt, sampling: greedy, maxTokens: 40 })
    const many = await generateMany([0, 1, 2].map(() => ({ sampling: greedy, maxTokens: 40 })))
    for (const run of many) expect(run.text).toBe(single.text)
  })

  it('reports each run’s probabilities from the oracle and its own sampler chain', async () => {
    const settings: SamplingSettings[] = [
      { temperature: 0.5, topK: 10, topP: 1, minP: 0, seed: 1 },
      { temperature: 1.2, topK: 0, topP: 0.9, minP: 0, seed: 2 },
      { temperature: 1, topK: 0, topP: 1, minP: 0.1, seed: 3 },
      { temperature: 2, topK: 40, topP: 0.95, minP: 0.05, seed: 4 },
    ]
    const many = await generateMany(settings.map((sampling) => ({ sampling, maxTokens: 20 })))
    many.forEach((run, i) => {
      const sampling = settings[i]
      if (!sampling) throw new Error('missing settings')
      expect(run.started?.sampling).toEqual(sampling)
      let previous = run.started?.prompt.at(-1)?.id ?? -1
      for (const token of run.tokens) {
        const probs = oracle.probs(previous)
        expect(Math.abs(token.modelProb - (probs[token.id] ?? NaN))).toBeLessThanOrEqual(1e-3)
        const candidates = Array.from(oracle.logits(previous), (logit, id) => ({ id, logit })).sort(
          (a, b) => b.logit - a.logit,
        )
        const chain = applySamplerChain(candidates, sampling)
        const expected = chain.complete ? chain.kept.find((c) => c.id === token.id)?.prob : NaN
        expect(Math.abs(token.samplingProb - (expected ?? 0))).toBeLessThanOrEqual(1e-4)
        previous = token.id
      }
    })
  })

  it('stops each run on its own and refuses a second job meanwhile', async () => {
    const runs = [
      { sampling: greedy, maxTokens: 3 },
      { sampling: { ...greedy, temperature: 1, topK: 0, topP: 1, minP: 0 }, maxTokens: 4000 },
    ]
    const withIds = runs.map((run, i) => ({ ...run, runId: `stop-${i}` }))
    await harness.engine.generateMany({ prompt, topN: 5, runs: withIds })
    await expect(harness.engine.generate(harness.request())).rejects.toThrow(
      /Another run is in progress/,
    )
    const short = summarize(await harness.waitForEnd('stop-0'))
    expect(short.ended?.reason).toBe('max-tokens')
    await harness.engine.cancel({ runId: 'stop-1' })
    const long = summarize(await harness.waitForEnd('stop-1'))
    expect(long.ended?.reason).toMatch(/cancelled|end-of-generation/)
    expect(long.tokens.length).toBeGreaterThan(0)
  })

  it('rejects more runs than columns and duplicate run ids', async () => {
    const run = { runId: 'dup', sampling: greedy, maxTokens: 1 }
    await expect(
      harness.engine.generateMany({ prompt, topN: 5, runs: [run, run] }),
    ).rejects.toThrow(/run ids must differ/)
    const five = [0, 1, 2, 3, 4].map((i) => ({ ...run, runId: `r${i}` }))
    await expect(harness.engine.generateMany({ prompt, topN: 5, runs: five })).rejects.toThrow(
      /runs/,
    )
  })
})
