import { type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { labStep } from '../../src/shared/lab'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'

// The Sampling Lab recomputes a step's post-sampling distribution from the run's stored top-N
// logits alone. Here a real run's stored steps go through the Lab for a grid of settings, and
// node-llama-cpp's own sampler, on the same context, must report the same probabilities.
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
})
afterAll(async () => {
  harness?.stop()
  await dispose?.()
})

/** node-llama-cpp's post-sampling probabilities for the token after `context`. */
async function theirProbabilities(context: number[], options: object) {
  await sequence.clearHistory()
  const items = context.map((token, i) =>
    i === context.length - 1
      ? [token, { generateNext: { token: true, probabilities: true, options } }]
      : token,
  )
  const results = await sequence.controlledEvaluate(items as never)
  const next = results.at(-1)?.next
  if (!next?.probabilities) throw new Error('node-llama-cpp returned no probabilities')
  return next.probabilities as Map<Token, number>
}

const grid = [0.5, 1, 1.7].flatMap((temperature) =>
  [0, 5, 20, 50].flatMap((topK) =>
    [1, 0.9, 0.6].flatMap((topP) =>
      [0, 0.05, 0.2].map((minP) => ({ temperature, topK, topP, minP })),
    ),
  ),
)

describe('Sampling Lab parity with node-llama-cpp', () => {
  it('gives the same post-sampling probabilities from a run’s stored top-N', async () => {
    const prompt = 'The model predicts'
    const run = await harness.generate({
      prompt,
      topN: 50,
      maxTokens: 12,
      sampling: { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 7 },
    })
    const promptIds = run.started?.prompt.map((t) => t.id) ?? []
    expect(promptIds.length).toBeGreaterThan(0)
    expect(run.tokens.length).toBeGreaterThan(4)

    let compared = 0
    const steps = [0, 2, 4].map((i) => run.tokens[i]).filter((t): t is GeneratedToken => !!t)
    for (const step of steps) {
      const index = run.tokens.indexOf(step)
      const context = [...promptIds, ...run.tokens.slice(0, index).map((t) => t.id)]
      for (const settings of grid) {
        const lab = labStep(step.alternatives, settings, step.tailMass)
        if (!lab.complete) continue // the stored top-N cannot tell: the Lab says so instead
        const theirs = await theirProbabilities(context, { ...settings, seed: 1 })
        const theirKept = [...theirs].filter(([, p]) => p > 0)
        const ours = lab.bars.filter((b) => (b.afterProb ?? 0) > 0)
        expect(ours.length).toBe(theirKept.length)
        // Tokens with exactly the same logit as the last one kept may be cut in either order
        // (llama.cpp's top-p sort is not stable); every token above that logit must agree.
        const logitOf = new Map(step.alternatives.map((a) => [a.id, a.logit]))
        const cut = Math.min(...ours.map((b) => logitOf.get(b.id) ?? Infinity))
        const above = (ids: number[]) => ids.filter((id) => (logitOf.get(id) ?? cut) > cut).sort()
        expect(above(ours.map((b) => b.id))).toEqual(above(theirKept.map(([id]) => id as number)))
        for (const bar of ours) {
          if ((logitOf.get(bar.id) ?? cut) <= cut) continue
          const their = theirs.get(bar.id as Token) ?? 0
          expect(Math.abs((bar.afterProb ?? NaN) - their)).toBeLessThanOrEqual(1e-4)
        }
        const sorted = (values: number[]) => [...values].sort((a, b) => a - b)
        const ourProbs = sorted(ours.map((b) => b.afterProb ?? NaN))
        const theirProbs = sorted(theirKept.map(([, p]) => p))
        ourProbs.forEach((p, i) => expect(Math.abs(p - (theirProbs[i] ?? NaN))).toBeLessThan(1e-4))
        compared++
      }
    }
    // Most of the grid is answerable from 50 stored candidates.
    expect(compared).toBeGreaterThan(grid.length)
  })
})
