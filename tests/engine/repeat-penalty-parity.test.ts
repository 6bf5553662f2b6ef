import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { defaultPenaltyWindow } from '../../src/shared/penalties'
import type { SamplingSettings } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness, summarize } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'

// The engine's reported sampling probability must be exactly what node-llama-cpp's own sampler
// gives with the same repeat, presence and frequency penalties, at every step of a run, for a
// repeat penalty above 1 and below 1, in a single run and in Compare's batch of several.
let harness: EngineHarness
let model: LlamaModel
let sequence: LlamaContextSequence
let dispose: () => Promise<void>

beforeAll(async () => {
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath })
  const context = await model.createContext({ contextSize: 256, threads: 1 })
  sequence = context.getSequence()
  dispose = async () => {
    await context.dispose()
    await model.dispose()
  }
}, 120_000)
afterAll(async () => {
  harness.stop()
  await dispose()
})

/** node-llama-cpp's own next-token result after `context`, with these settings. */
async function theirStep(context: readonly number[], generateNext: object) {
  await sequence.clearHistory()
  const items = context.map((token, i) =>
    i === context.length - 1 ? [token, { generateNext }] : token,
  )
  const next = (await sequence.controlledEvaluate(items as never)).at(-1)?.next
  if (!next?.probabilities) throw new Error('no probabilities')
  return next.probabilities
}

function theirPenalised(context: readonly number[], sampling: SamplingSettings) {
  const window = sampling.penaltyWindow ?? defaultPenaltyWindow
  return theirStep(context, {
    token: true,
    probabilities: true,
    options: {
      temperature: sampling.temperature,
      topK: sampling.topK,
      topP: sampling.topP,
      minP: sampling.minP,
      seed: 1,
      repeatPenalty: {
        punishTokens: context.slice(-window),
        maxPunishTokens: window,
        penalty: sampling.repeatPenalty ?? 1,
        frequencyPenalty: sampling.frequencyPenalty ?? 0,
        presencePenalty: sampling.presencePenalty ?? 0,
      },
    },
  })
}

/**
 * The largest gap between the engine's numbers and node-llama-cpp's, over a run's steps. Tokens
 * whose penalised logits are exactly equal are compared as a group (their probabilities sorted):
 * at top-k's cut, llama.cpp's partial sort keeps an arbitrary one of equal logits.
 */
async function gaps(
  prompt: readonly number[],
  tokens: GeneratedToken[],
  sampling: SamplingSettings,
) {
  const context = [...prompt]
  let worstSampling = 0
  let worstModel = 0
  let penalisedSteps = 0
  for (const token of tokens) {
    const theirs = await theirPenalised(context, sampling)
    const raw = await theirStep(context, {
      token: true,
      probabilities: true,
      options: { temperature: 0 },
    })
    const candidates = new Map(
      [...token.alternatives, ...(token.moreCandidates ?? [])].map((c) => [c.id, c]),
    )
    expect(candidates.get(token.id)?.samplingProb).toBe(token.samplingProb)
    const groups = new Map<string, { ours: number[]; theirs: number[] }>()
    for (const c of candidates.values()) {
      const key = (c.logit + (c.penaltyShift ?? 0)).toFixed(6)
      const group = groups.get(key) ?? { ours: [], theirs: [] }
      groups.set(key, group)
      group.ours.push(c.samplingProb)
      group.theirs.push(theirs.get(c.id as Token) ?? 0)
      worstModel = Math.max(worstModel, Math.abs(c.modelProb - (raw.get(c.id as Token) ?? NaN)))
    }
    for (const { ours, theirs: their } of groups.values()) {
      ours.sort()
      their.sort()
      ours.forEach((p, i) => (worstSampling = Math.max(worstSampling, Math.abs(p - their[i]!))))
    }
    const kept = [...candidates.values()].filter((c) => c.samplingProb > 0).length
    expect(kept).toBe([...theirs.values()].filter((p) => p > 0).length)
    if ([...candidates.values()].some((c) => c.penaltyShift !== undefined)) penalisedSteps++
    context.push(token.id)
  }
  return { sampling: worstSampling, model: worstModel, penalisedSteps }
}

const prompt = 'the the model the token is a token'
const grid: SamplingSettings[] = [
  { temperature: 0.9, topK: 0, topP: 0.95, minP: 0.02, seed: 3, repeatPenalty: 1.3 },
  { temperature: 1, topK: 40, topP: 1, minP: 0, seed: 5, repeatPenalty: 0.8, penaltyWindow: 16 },
  {
    temperature: 0.7,
    topK: 0,
    topP: 1,
    minP: 0.05,
    seed: 7,
    repeatPenalty: 1.6,
    presencePenalty: 0.4,
    frequencyPenalty: 0.3,
    penaltyWindow: 24,
  },
  {
    temperature: 1.2,
    topK: 20,
    topP: 0.9,
    minP: 0,
    seed: 9,
    repeatPenalty: 0.6,
    frequencyPenalty: -0.2,
  },
]

describe('repeat penalty parity with node-llama-cpp', () => {
  it.each(grid.map((sampling) => [sampling.repeatPenalty, sampling] as const))(
    'reports the probabilities node-llama-cpp samples with at every step (θ = %s)',
    async (_, sampling) => {
      const run = await harness.generate({ prompt, sampling, maxTokens: 16, topN: 10 })
      expect(run.failed).toBeNull()
      expect(run.tokens.length).toBeGreaterThan(4)
      const promptIds = (run.started?.prompt ?? []).map((t) => t.id)
      const gap = await gaps(promptIds, run.tokens, sampling)
      console.log(
        `[parity] θ = ${sampling.repeatPenalty}, ${run.tokens.length} steps: sampling probability within ${gap.sampling.toExponential(2)}, model probability within ${gap.model.toExponential(2)}`,
      )
      expect(gap.sampling).toBeLessThanOrEqual(1e-4)
      // The model's probabilities stay the model's own.
      expect(gap.model).toBeLessThanOrEqual(1e-4)
      expect(gap.penalisedSteps).toBeGreaterThan(0)
    },
  )

  it('attributes each column’s penalised logits in Compare’s batch', async () => {
    const runs = grid.map((sampling, i) => ({ runId: `rp-many-${i}`, sampling, maxTokens: 12 }))
    await harness.engine.generateMany({ prompt, topN: 10, runs })
    for (const [i, run] of runs.entries()) {
      const result = summarize(await harness.waitForEnd(run.runId))
      expect(result.failed).toBeNull()
      const promptIds = (result.started?.prompt ?? []).map((t) => t.id)
      const gap = await gaps(promptIds, result.tokens, grid[i]!)
      expect(gap.sampling).toBeLessThanOrEqual(1e-4)
      expect(gap.model).toBeLessThanOrEqual(1e-4)
    }
  })

  it('changes what a greedy run writes only when the penalty is not 1', async () => {
    const greedy = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 }
    const plain = await harness.generate({ prompt, sampling: greedy, maxTokens: 20 })
    const off = await harness.generate({
      prompt,
      sampling: { ...greedy, repeatPenalty: 1 },
      maxTokens: 20,
    })
    const on = await harness.generate({
      prompt,
      sampling: { ...greedy, repeatPenalty: 1.8 },
      maxTokens: 20,
    })
    expect(off.text).toBe(plain.text)
    expect(off.tokens.every((t) => t.alternatives.every((a) => a.penaltyShift === undefined))).toBe(
      true,
    )
    expect(on.text).not.toBe(plain.text)
  })
})
