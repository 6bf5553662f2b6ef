import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
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

let counter = 0
async function score(text: string, topN = 10) {
  const runId = `score-${++counter}`
  await harness.engine.score({ runId, text, topN })
  return summarize(await harness.waitForEnd(runId))
}

const exactBits = (probs: ArrayLike<number>) =>
  -Array.from(probs).reduce((h, p) => (p > 0 ? h + p * Math.log2(p) : h), 0)

describe('scoring a text (teacher forcing) on the demo model', () => {
  it('gives every token after the first its oracle probability, rank and exact entropy', async () => {
    const text = 'The model predicts the next token from the tokens before it.'
    const run = await score(text)
    expect(run.ended?.reason).toBe('end-of-generation')
    const ids = await harness.engine.tokenize({ text })
    const first = run.started?.prompt ?? []
    expect([...first, ...run.tokens].map((t) => t.id).slice(-ids.length)).toEqual(
      ids.map((t) => t.id),
    )
    let previous = first[first.length - 1]!.id
    for (const token of run.tokens) {
      const probs = oracle.probs(previous)
      expect(Math.abs(token.modelProb - probs[token.id]!)).toBeLessThanOrEqual(1e-3)
      expect(Math.abs(token.entropyBits - exactBits(probs))).toBeLessThanOrEqual(1e-3)
      // Rank 1 + the tokens more likely; near-ties (float32 rounding) may fall either side.
      const own = probs[token.id]!
      const surelyAbove = Array.from(probs).filter((p) => p > own * (1 + 1e-4)).length
      const notBelow = Array.from(probs).filter((p) => p >= own * (1 - 1e-4)).length
      expect(token.rank).toBeGreaterThanOrEqual(surelyAbove + 1)
      expect(token.rank).toBeLessThanOrEqual(notBelow)
      expect(token.alternatives).toHaveLength(10)
      previous = token.id
    }
  })

  it('gives the same probabilities as the generation loop that wrote the text', async () => {
    const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }
    const written = await harness.generate({
      prompt: 'A token is',
      sampling: greedy,
      maxTokens: 24,
    })
    const run = await score(`A token is${written.text}`)
    const scored = run.tokens.slice(-written.tokens.length)
    expect(scored.map((t) => t.id)).toEqual(written.tokens.map((t) => t.id))
    scored.forEach((token, i) => {
      expect(Math.abs(token.modelProb - written.tokens[i]!.modelProb)).toBeLessThanOrEqual(1e-5)
      expect(token.rank).toBe(1)
    })
    // Scoring hooked the sequence's decode for its run only: generation reads as before.
    const again = await harness.generate({ prompt: 'A token is', sampling: greedy, maxTokens: 24 })
    expect(again.tokens.map((t) => [t.id, t.modelProb, t.alternatives.length])).toEqual(
      written.tokens.map((t) => [t.id, t.modelProb, t.alternatives.length]),
    )
  })

  it('stops when asked, keeping what it read, and refuses an empty text', async () => {
    const long = 'Attention lets every token look at the others. '.repeat(40)
    const runId = `score-${++counter}`
    await harness.engine.score({ runId, text: long, topN: 5 })
    await harness.until(
      () => harness.events.some((e: RunEvent) => e.runId === runId && e.kind === 'tokens') || null,
      'the first scored tokens',
      30_000,
    )
    await harness.engine.cancel({ runId })
    const run = summarize(await harness.waitForEnd(runId))
    expect(run.ended?.reason).toBe('cancelled')
    expect(run.tokens.length).toBeGreaterThan(0)

    const empty = await harness.engine.score({ runId: 'empty', text: '', topN: 5 }).catch((e) => e)
    expect(String(empty)).toMatch(/the text is empty/)
  })
})
