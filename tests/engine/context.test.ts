import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineHarness } from '../helpers/engine-harness'

let harness: EngineHarness
// llama.cpp pads context sizes to a multiple of 256.
const contextSize = 256

beforeAll(async () => {
  harness = new EngineHarness()
  const info = await harness.engine.loadModel({ source: { kind: 'demo' }, contextSize })
  expect(info.contextSize).toBe(contextSize)
})
afterAll(() => harness.stop())

const greedy = { temperature: 0, topK: 1, topP: 1, minP: 0, seed: 1 }

describe('the context window', () => {
  it('refuses a prompt longer than the context with the numbers in the message', async () => {
    const run = await harness.generate({ prompt: 'tokens and probabilities '.repeat(120) })
    expect(run.started).toBeNull()
    expect(run.failed?.error.code).toBe('prompt-too-long')
    expect(run.failed?.error.message).toMatch(new RegExp(`context holds ${contextSize}`))
  })

  it('stops with context-full instead of shifting silently, and the gauge numbers add up', async () => {
    const run = await harness.generate({ prompt: 'The model', maxTokens: 1000, sampling: greedy })
    expect(run.ended?.reason).toBe('context-full')
    const stats = run.ended?.stats
    expect(run.ended?.contextUsed).toBeLessThanOrEqual(contextSize)
    expect((stats?.promptTokens ?? 0) + (stats?.generatedTokens ?? 0)).toBeGreaterThanOrEqual(
      contextSize,
    )
    const used = run.tokens.length
      ? harness.eventsOf(run.started?.runId ?? '').filter((e) => e.kind === 'tokens')
      : []
    const gauges = used.map((e) => (e.kind === 'tokens' ? e.contextUsed : 0))
    expect(gauges).toEqual([...gauges].sort((a, b) => a - b))
  })
})
