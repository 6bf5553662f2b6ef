import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'

let harness: EngineHarness
let oracle: Awaited<ReturnType<typeof loadOracle>>
const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }

beforeAll(async () => {
  harness = new EngineHarness()
  oracle = await loadOracle(demoModelPath)
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

describe('branching from an alternative token', () => {
  it('continues after the forced alternative, reusing the cache up to the branch point', async () => {
    const prompt = 'Attention lets every token look at'
    const original = await harness.generate({ prompt, sampling: greedy, maxTokens: 20 })
    const promptLength = original.started?.prompt.length ?? 0
    const k = 8
    const pivot = original.tokens[k - 1]
    const alternative = pivot?.alternatives.find((a) => a.id !== pivot.id)
    if (!pivot || !alternative) throw new Error('no alternative to branch to')
    const kept = original.tokens.slice(0, k - 1).map((t) => t.id)

    const branch = await harness.generate({
      prompt,
      sampling: greedy,
      maxTokens: 10,
      forcedTokens: [...kept, alternative.id],
    })
    expect(branch.started?.forced.map((t) => t.id)).toEqual([...kept, alternative.id])
    expect(branch.started?.prompt.length).toBe(promptLength)

    // The first new token is predicted from the alternative, exactly as the closed form says.
    const first = branch.tokens[0]
    const expected = oracle.probs(alternative.id)
    for (const candidate of first?.alternatives ?? []) {
      expect(Math.abs(candidate.modelProb - (expected[candidate.id] ?? NaN))).toBeLessThanOrEqual(
        1e-3,
      )
    }

    // Only what follows the branch point was evaluated: the alternative and the new tokens.
    const stats = branch.ended?.stats
    expect(stats?.reusedPromptTokens).toBe(promptLength + k - 1)
    expect(stats?.evaluatedTokens).toBe(stats?.generatedTokens)
    expect(branch.ended?.reason).toBe('max-tokens')
  })

  it('refuses a forced token the model does not have', async () => {
    const run = await harness.generate({ forcedTokens: [999_999] })
    expect(run.failed?.error.code).toBe('invalid-request')
    expect(run.failed?.error.message).toMatch(/Token 999999 does not exist/)
  })
})
