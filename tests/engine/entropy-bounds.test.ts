import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { loadOracle, type Oracle } from '../helpers/oracle'

// The demo model's 2,048 tokens read whole; TOKENSCOPE_EXACT_ENTROPY_VOCAB=0 makes this engine
// read only heads (bounded-head.ts), as it does on a large vocabulary, so both can be checked
// against the closed-form oracle and against each other.
let bounded: EngineHarness
let exact: EngineHarness
let oracle: Oracle

beforeAll(async () => {
  oracle = loadOracle(demoModelPath)
  // Bounds are the prebuilt binary's: the fast one reads every step's exact entropy in C++.
  process.env.TOKENSCOPE_ENGINE_BINARY = 'prebuilt'
  process.env.TOKENSCOPE_EXACT_ENTROPY_VOCAB = '0'
  try {
    bounded = new EngineHarness()
  } finally {
    delete process.env.TOKENSCOPE_EXACT_ENTROPY_VOCAB
  }
  try {
    exact = new EngineHarness()
  } finally {
    delete process.env.TOKENSCOPE_ENGINE_BINARY
  }
  await Promise.all([bounded, exact].map((h) => h.engine.loadModel({ source: { kind: 'demo' } })))
})
afterAll(() => {
  bounded?.stop()
  exact?.stop()
})

const bitsOf = (probs: Float64Array) =>
  -Array.from(probs).reduce((h, p) => (p > 0 ? h + p * Math.log2(p) : h), 0)

/**
 * How close a head's probabilities come to the whole read's: the top token's probability over
 * the whole vocabulary comes from the addon's confidence, normalised by a float32 sum, where the
 * whole read renormalises in float64; they differ by about 1e-5 on the demo model.
 */
const close = 3e-5

const headRuns: Array<[string, SamplingSettings]> = [
  ['top-k 40', { ...defaultSampling, seed: 7 }],
  ['top-k 40, hot', { temperature: 1.5, topK: 40, topP: 1, minP: 0, seed: 8 }],
  ['greedy', { ...defaultSampling, temperature: 0, topK: 0 }],
]

describe('entropy bounded from a head', () => {
  it.each(headRuns)(
    '%s: exact probabilities, same tokens, the entropy between its bounds',
    async (_name, sampling) => {
      const request = { prompt: 'The model predicts the next', sampling, maxTokens: 12, topN: 10 }
      const run = await bounded.generate(request)
      const reference = await exact.generate(request)
      expect(run.ended).not.toBeNull()
      // The same seed draws the same tokens with the same sampling probabilities.
      expect(run.tokens.map((t) => t.id)).toEqual(reference.tokens.map((t) => t.id))
      run.tokens.forEach((token, i) => {
        const full = reference.tokens[i]!
        expect(token.entropyUpperBits).toBeDefined()
        expect(full.entropyUpperBits).toBeUndefined()
        expect(Math.abs(token.samplingProb - full.samplingProb)).toBeLessThanOrEqual(close)
        expect(Math.abs(token.modelProb - full.modelProb)).toBeLessThanOrEqual(close)
        token.alternatives.forEach((a, k) => {
          const b = full.alternatives[k]!
          expect(Math.abs(a.modelProb - b.modelProb)).toBeLessThanOrEqual(close)
          // Tokens of equal logits may come in another order (a partial sort, not a sort).
          const same = full.alternatives.find((c) => c.id === a.id)
          if (a.id !== b.id && same) expect(same.modelProb).toBe(b.modelProb)
        })
      })
      const previous = [run.started!.prompt.at(-1)!.id, ...run.tokens.map((t) => t.id)]
      run.tokens.forEach((token, i) => {
        const probs = oracle.probs(previous[i]!)
        expect(Math.abs(token.modelProb - probs[token.id]!)).toBeLessThanOrEqual(close)
        const bits = bitsOf(probs)
        expect(token.entropyBits).toBeLessThanOrEqual(bits + 1e-6)
        expect(token.entropyUpperBits!).toBeGreaterThanOrEqual(bits - 1e-6)
      })
    },
  )

  it('reads the exact entropy of a bounded step on demand, and the next run still works', async () => {
    const request = { prompt: 'A token is', maxTokens: 8, topN: 5 }
    const run = await bounded.generate(request)
    const prompt = run.started!.prompt.map((t) => t.id)
    const generated = run.tokens.map((t) => t.id)
    const previous = [prompt.at(-1)!, ...generated]
    expect(generated.length).toBeGreaterThan(2)
    // Out of order: each read keeps what it can of the context the one before left.
    for (const i of [generated.length - 1, 0, generated.length >> 1]) {
      const token: GeneratedToken = run.tokens[i]!
      const tokens = [...prompt, ...generated.slice(0, i)]
      expect(tokens).toHaveLength(token.position)
      const { entropyBits } = await bounded.engine.exactEntropy({ tokens })
      expect(Math.abs(entropyBits - bitsOf(oracle.probs(previous[i]!)))).toBeLessThanOrEqual(1e-3)
      expect(entropyBits).toBeGreaterThanOrEqual(token.entropyBits - 1e-6)
      expect(entropyBits).toBeLessThanOrEqual(token.entropyUpperBits! + 1e-6)
    }
    // The run after it reuses what the context still holds of its prompt.
    const again = await bounded.generate(request)
    expect(again.tokens.map((t) => t.id)).toEqual(generated)
    expect(again.ended?.stats.reusedPromptTokens).toBe(prompt.length - 1)
  })

  it('stays exact with top-k off', async () => {
    const sampling = { ...defaultSampling, topK: 0 }
    const run = await bounded.generate({ prompt: 'A token is', sampling, maxTokens: 6 })
    const previous = [run.started!.prompt.at(-1)!.id, ...run.tokens.map((t) => t.id)]
    run.tokens.forEach((token, i) => {
      expect(token.entropyUpperBits).toBeUndefined()
      expect(Math.abs(token.entropyBits - bitsOf(oracle.probs(previous[i]!)))).toBeLessThan(1e-3)
    })
  })

  it('refuses an exact read while a run goes on', async () => {
    const request = bounded.request({
      maxTokens: 8000,
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 11 },
    })
    await bounded.engine.generate(request)
    await bounded.until(
      () => (bounded.eventsOf(request.runId).some((e) => e.kind === 'tokens') ? true : null),
      'the first tokens',
    )
    const refused = await bounded.engine.exactEntropy({ tokens: [1, 2, 3] }).catch((e) => e)
    expect(toAppError(refused).code).toBe('run-busy')
    await bounded.engine.cancel({ runId: request.runId })
    await bounded.waitForEnd(request.runId)
  })
})
