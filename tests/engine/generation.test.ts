import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { penalizedLogit, windowCounts } from '../../src/shared/penalties'
import {
  applySamplerChain,
  pickCandidate,
  seededUniform,
  type ScoredToken,
} from '../../src/shared/sampling'
import type { GeneratedToken } from '../../src/shared/contract'
import type { SamplingSettings } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness, summarize } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'

let harness: EngineHarness
let oracle: Awaited<ReturnType<typeof loadOracle>>

beforeAll(async () => {
  harness = new EngineHarness()
  oracle = await loadOracle(demoModelPath)
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

/** The closed-form distribution after `previous`, sorted like the engine's candidates. */
function oracleCandidates(previous: number): ScoredToken[] {
  return Array.from(oracle.logits(previous), (logit, id) => ({ id, logit })).sort(
    (a, b) => b.logit - a.logit,
  )
}

/**
 * Checks every generated token against the oracle; the demo model only looks at the last token.
 * The token itself must be the seed's draw from the oracle's chain: whichever loop drew it (step
 * by step here, or natively in the fast binary, native-steps.ts), it is this arithmetic.
 */
function expectOracleAgreement(
  promptLast: number,
  tokens: GeneratedToken[],
  sampling: SamplingSettings,
) {
  let previous = promptLast
  for (const [step, token] of tokens.entries()) {
    const probs = oracle.probs(previous)
    for (const alternative of token.alternatives) {
      expect(Math.abs(alternative.modelProb - (probs[alternative.id] ?? NaN))).toBeLessThanOrEqual(
        1e-3,
      )
    }
    expect(Math.abs(token.modelProb - (probs[token.id] ?? NaN))).toBeLessThanOrEqual(1e-3)
    // The entropy shown is exact whatever the sampler settings: greedy, k = 40 and k = 0 alike.
    const exactBits = -Array.from(probs).reduce((h, p) => (p > 0 ? h + p * Math.log2(p) : h), 0)
    expect(Math.abs(token.entropyBits - exactBits)).toBeLessThanOrEqual(1e-3)
    const chain = applySamplerChain(oracleCandidates(previous), sampling)
    if (!chain.complete) throw new Error('the oracle holds the whole vocabulary')
    const expected = chain.kept.find((c) => c.id === token.id)?.prob ?? 0
    expect(Math.abs(token.samplingProb - expected)).toBeLessThanOrEqual(1e-4)
    const drawn =
      sampling.temperature > 0
        ? pickCandidate(chain.kept, seededUniform(sampling.seed, step))
        : chain.kept[0]
    // Tokens of equal probability may stand in either order (llama.cpp's sort is not stable):
    // the draw lands on the same probability, not always on the same one of them.
    if (token.id !== drawn?.id) expect(probs[token.id]).toBe(probs[drawn?.id ?? -1])
    previous = token.id
  }
}

const prompts = [
  'A token is',
  'The model predicts the next',
  'Temperature divides the logits',
  'Attention lets every token',
  'Perplexity is',
  'The context window',
  'Embeddings',
  'When the model',
]
const settings: SamplingSettings[] = [
  { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 1 },
  { temperature: 1.3, topK: 0, topP: 0.9, minP: 0, seed: 2 },
  { temperature: 0.5, topK: 5, topP: 1, minP: 0, seed: 3 },
  { temperature: 1, topK: 0, topP: 1, minP: 0.1, seed: 4 },
  { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 5 },
  { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 6 },
]

describe('generation on the demo model', () => {
  it.each(settings)(
    'reports probabilities equal to the closed-form oracle (%j)',
    async (sampling) => {
      for (const prompt of prompts) {
        const run = await harness.generate({ prompt, sampling, maxTokens: 12, topN: 20 })
        expect(run.ended).not.toBeNull()
        const promptTokens = run.started?.prompt ?? []
        const last = promptTokens[promptTokens.length - 1]
        if (!last) throw new Error('no prompt tokens')
        expect(run.tokens.length).toBeGreaterThan(0)
        expectOracleAgreement(last.id, run.tokens, sampling)
      }
    },
  )

  it('reports rank, tail mass and alternatives consistently', async () => {
    const run = await harness.generate({ maxTokens: 20, topN: 10 })
    for (const token of run.tokens) {
      expect(token.alternatives).toHaveLength(10)
      const probs = token.alternatives.map((a) => a.modelProb)
      expect(probs).toEqual([...probs].sort((a, b) => b - a))
      expect(token.tailMass).toBeCloseTo(1 - probs.reduce((a, b) => a + b, 0), 9)
      const index = token.alternatives.findIndex((a) => a.id === token.id)
      if (index >= 0) expect(token.rank).toBe(index + 1)
      expect(token.samplingProb).toBeGreaterThan(0)
    }
  })

  it('is deterministic when greedy and reproducible with a seed', async () => {
    const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }
    const a = await harness.generate({ sampling: greedy, maxTokens: 30 })
    const b = await harness.generate({ sampling: { ...greedy, seed: 99 }, maxTokens: 30 })
    expect(a.text).toBe(b.text)
    expect(a.tokens.every((t) => t.rank === 1)).toBe(true)

    const seeded = { temperature: 1.2, topK: 0, topP: 1, minP: 0, seed: 1234 }
    const c = await harness.generate({ sampling: seeded, maxTokens: 40 })
    const d = await harness.generate({ sampling: seeded, maxTokens: 40 })
    const e = await harness.generate({ sampling: { ...seeded, seed: 4321 }, maxTokens: 40 })
    expect(c.text).toBe(d.text)
    expect(e.text).not.toBe(c.text)
  })

  it('reuses the evaluated prompt prefix on the next run', async () => {
    const prompt = 'The context window is the number of tokens the model can see at once.'
    await harness.generate({ prompt, maxTokens: 2 })
    const again = await harness.generate({ prompt, maxTokens: 2 })
    const stats = again.ended?.stats
    expect(stats?.reusedPromptTokens).toBe((stats?.promptTokens ?? 0) - 1)
  })

  it('streams tokens in batches and reports speed', async () => {
    const run = await harness.generate({
      maxTokens: 200,
      sampling: { temperature: 0, topK: 1, topP: 1, minP: 0, seed: 1 },
    })
    expect(run.ended?.reason).toMatch(/max-tokens|end-of-generation/)
    expect(run.batches).toBeGreaterThanOrEqual(1)
    expect(run.batches).toBeLessThanOrEqual(run.tokens.length)
    expect(run.ended?.stats.generatedTokens).toBe(run.tokens.length)
    expect(run.ended?.stats.timeToFirstTokenMs).toBeGreaterThan(0)
    if (run.tokens.length > 1) expect(run.ended?.stats.tokensPerSecond).toBeGreaterThan(0)
  })

  it('stops on cancel and keeps the partial output', async () => {
    // Greedy, the demo model loops without ever ending: the run is still going when cancelled.
    const request = harness.request({
      maxTokens: 8000,
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 11 },
    })
    await harness.engine.generate(request)
    await expect
      .poll(() => harness.eventsOf(request.runId).some((e) => e.kind === 'tokens'))
      .toBe(true)
    await harness.engine.cancel({ runId: request.runId })
    const run = summarize(await harness.waitForEnd(request.runId))
    expect(run.ended?.reason).toBe('cancelled')
    expect(run.tokens.length).toBeGreaterThan(0)
    expect(run.ended?.stats.generatedTokens).toBe(run.tokens.length)
  })

  it('stops on an end-of-generation token and reports it as the last token', async () => {
    const prompt = '<|im_start|>user\nWhat is a token?<|im_end|>\n<|im_start|>assistant\n'
    const endings = []
    for (let seed = 1; seed <= 20; seed++) {
      const run = await harness.generate({
        prompt,
        maxTokens: 300,
        sampling: { temperature: 1, topK: 0, topP: 1, minP: 0, seed },
      })
      endings.push(run)
    }
    const stopped = endings.filter((run) => run.ended?.reason === 'end-of-generation')
    expect(stopped.length).toBeGreaterThan(0)
    for (const run of stopped) {
      expect(run.tokens.at(-1)?.text).toMatch(/^<\|(im_end|endoftext)\|>$/)
      expect(run.tokens.slice(0, -1).some((t) => /^<\|(im_end|endoftext)\|>$/.test(t.text))).toBe(
        false,
      )
    }
  })

  it('applies frequency and presence penalties over the window, as the oracle predicts', async () => {
    const penalties = { frequencyPenalty: 0.6, presencePenalty: 0.9, penaltyWindow: 8 }
    for (const temperature of [0, 1]) {
      const sampling = { temperature, topK: 0, topP: 0.95, minP: 0, seed: 7, ...penalties }
      const run = await harness.generate({ prompt: 'the the model', sampling, maxTokens: 24 })
      const context = (run.started?.prompt ?? []).map((t) => t.id)
      for (const token of run.tokens) {
        const counts = windowCounts(context, sampling)
        const candidates = oracleCandidates(context.at(-1) ?? 0)
          .map((c) => ({
            id: c.id,
            logit: penalizedLogit(c.logit, counts.get(c.id) ?? 0, sampling),
          }))
          .sort((a, b) => b.logit - a.logit)
        const chain = applySamplerChain(candidates, sampling)
        if (!chain.complete) throw new Error('the oracle holds the whole vocabulary')
        const expected = chain.kept.find((c) => c.id === token.id)?.prob ?? 0
        expect(expected).toBeGreaterThan(0)
        expect(Math.abs(token.samplingProb - expected)).toBeLessThanOrEqual(1e-4)
        // What the model thinks is reported unpenalised.
        const probs = oracle.probs(context.at(-1) ?? 0)
        expect(Math.abs(token.modelProb - (probs[token.id] ?? NaN))).toBeLessThanOrEqual(1e-3)
        context.push(token.id)
      }
    }
    const greedy = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 }
    const plain = await harness.generate({
      prompt: 'the the model',
      sampling: greedy,
      maxTokens: 24,
    })
    const penalised = await harness.generate({
      prompt: 'the the model',
      sampling: { ...greedy, ...penalties },
      maxTokens: 24,
    })
    expect(penalised.text).not.toBe(plain.text)
  })

  it('ends the run where a stop string appears, keeping the text up to it', async () => {
    const greedy = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 }
    const free = await harness.generate({ sampling: greedy, maxTokens: 40 })
    // A stop string that spans two tokens from the middle of the greedy text.
    const stop = free.tokens[6]!.text + free.tokens[7]!.text
    const stopped = await harness.generate({ sampling: greedy, maxTokens: 40, stop: [stop] })
    expect(stopped.ended?.reason).toBe('stop-string')
    expect(stopped.text.endsWith(stop) || stopped.text.includes(stop)).toBe(true)
    expect(free.text.startsWith(stopped.text)).toBe(true)
    expect(stopped.text.slice(0, -1).includes(stop)).toBe(false)
    const never = await harness.generate({ sampling: greedy, maxTokens: 10, stop: ['§§§'] })
    expect(never.failed).toBe(null)
    expect(never.ended?.reason).toBe('max-tokens')
  })
})
