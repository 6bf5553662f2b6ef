import { type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nextTokenRequest } from '../../src/main/engine/step-reader'
import { penalizedLogit, windowCounts } from '../../src/shared/penalties'
import { applySamplerChain, type ScoredToken } from '../../src/shared/sampling'
import { demoModelPath } from '../helpers/engine-harness'
import { engineLlama } from '../helpers/engine-llama'

// Our sampler chain must be llama.cpp's: the same survivors and the same probabilities that
// node-llama-cpp's own sampler reports for the same settings on the same logits.
let model: LlamaModel
let sequence: LlamaContextSequence
let dispose: () => Promise<void>

beforeAll(async () => {
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath })
  const context = await model.createContext({ contextSize: 256, threads: 1 })
  sequence = context.getSequence()
  dispose = async () => {
    await context.dispose()
    await model.dispose()
  }
})
afterAll(() => dispose())

async function nextStep(prompt: string, generateNext: object) {
  await sequence.clearHistory()
  const tokens = model.tokenize(prompt)
  const items = tokens.map((token, i) =>
    i === tokens.length - 1 ? [token, { generateNext }] : token,
  )
  const results = await sequence.controlledEvaluate(items as never)
  const next = results.at(-1)?.next
  if (!next) throw new Error('no result')
  return next
}

const grid = [
  { temperature: 1, topK: 0, topP: 1, minP: 0 },
  { temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05 },
  { temperature: 1.5, topK: 10, topP: 1, minP: 0 },
  { temperature: 0.3, topK: 0, topP: 0.8, minP: 0 },
  { temperature: 1, topK: 0, topP: 1, minP: 0.2 },
  { temperature: 2, topK: 100, topP: 0.5, minP: 0.01 },
]

describe('sampler chain parity with llama.cpp', () => {
  it.each(['A token is', 'The model predicts the', 'Sampling', 'Loss measures'])(
    'matches node-llama-cpp after "%s"',
    async (prompt) => {
      // What the engine reads at every step: the greedy step's probabilities, ln p as the logit.
      const raw = await nextStep(prompt, nextTokenRequest)
      const candidates: ScoredToken[] = [...(raw.probabilities ?? new Map<Token, number>())]
        .map(([id, p]) => ({ id, logit: Math.log(p) }))
        .sort((a, b) => b.logit - a.logit)
      for (const settings of grid) {
        const theirs = await nextStep(prompt, {
          token: true,
          probabilities: true,
          options: { ...settings, seed: 1 },
        })
        const ours = applySamplerChain(candidates, settings)
        if (!ours.complete) throw new Error('whole vocabulary given')
        const theirKept = [...(theirs.probabilities ?? new Map<Token, number>())].filter(
          ([, p]) => p > 0,
        )
        expect(theirKept.map(([id]) => id).sort()).toEqual(ours.kept.map((c) => c.id).sort())
        for (const candidate of ours.kept) {
          expect(
            Math.abs(candidate.prob - (theirs.probabilities?.get(candidate.id as Token) ?? NaN)),
          ).toBeLessThanOrEqual(1e-4)
        }
      }
    },
  )
})

const penaltyGrid = [
  { frequencyPenalty: 0.5, presencePenalty: 0, penaltyWindow: 64 },
  { frequencyPenalty: 0, presencePenalty: 1.2, penaltyWindow: 64 },
  { frequencyPenalty: 0.8, presencePenalty: 0.4, penaltyWindow: 3 },
  { frequencyPenalty: -0.5, presencePenalty: 0.7, penaltyWindow: 16 },
]

describe('penalty parity with llama.cpp', () => {
  // Repeated words, so that tokens occur more than once in the window.
  it.each(['the the model the token', 'A token is a token is a token', 'Loss loss loss measures'])(
    'matches node-llama-cpp with frequency and presence penalties after "%s"',
    async (prompt) => {
      const tokens = model.tokenize(prompt)
      const raw = await nextStep(prompt, nextTokenRequest)
      for (const penalties of penaltyGrid) {
        const settings = { temperature: 0.9, topK: 0, topP: 0.95, minP: 0.02, ...penalties }
        const window = tokens.slice(-penalties.penaltyWindow)
        const theirs = await nextStep(prompt, {
          token: true,
          probabilities: true,
          options: {
            ...settings,
            seed: 1,
            repeatPenalty: {
              punishTokens: window,
              maxPunishTokens: penalties.penaltyWindow,
              penalty: 1,
              frequencyPenalty: penalties.frequencyPenalty,
              presencePenalty: penalties.presencePenalty,
            },
          },
        })
        const counts = windowCounts(tokens, settings)
        const candidates: ScoredToken[] = [...(raw.probabilities ?? new Map<Token, number>())]
          .map(([id, p]) => ({
            id,
            logit: penalizedLogit(Math.log(p), counts.get(id) ?? 0, settings),
          }))
          .sort((a, b) => b.logit - a.logit)
        const ours = applySamplerChain(candidates, settings)
        if (!ours.complete) throw new Error('whole vocabulary given')
        const theirKept = [...(theirs.probabilities ?? new Map<Token, number>())].filter(
          ([, p]) => p > 0,
        )
        expect(counts.size).toBeGreaterThan(0)
        expect(theirKept.map(([id]) => id).sort()).toEqual(ours.kept.map((c) => c.id).sort())
        for (const candidate of ours.kept) {
          expect(
            Math.abs(candidate.prob - (theirs.probabilities?.get(candidate.id as Token) ?? NaN)),
          ).toBeLessThanOrEqual(1e-4)
        }
      }
    },
  )
})
