import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InfluenceItem, RunEvent } from '../../src/shared/contract'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
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
const nextId = (what: string) => `${what}-${++counter}`

/** The influence run's events, folded: the context, baseline, items by position, last cost. */
function fold(events: RunEvent[]) {
  const progress = events.filter((e) => e.kind === 'influence')
  const first = progress[0]
  const items = new Map<number, InfluenceItem>()
  progress.forEach((e) => e.items.forEach((item) => items.set(item.position, item)))
  const end = events.find((e) => e.kind === 'ended' || e.kind === 'failed')
  return {
    context: first?.context ?? [],
    baseline: first?.baseline ?? NaN,
    total: first?.total ?? 0,
    items,
    cost: progress[progress.length - 1]?.cost,
    end,
  }
}

async function influence(text: string, position: number, window: number) {
  const runId = nextId('influence')
  await harness.engine.influence({ runId, text, position, window })
  return fold(await harness.waitForEnd(runId))
}

const text =
  'The model reads the text one token at a time, and each token looks back at the ones before it.'

describe('token influence (occlusion) on the demo model', () => {
  it('finds only the preceding token matters, as in a bigram model', async () => {
    const ids = (await harness.engine.tokenize({ text })).map((t) => t.id)
    expect(ids.length).toBeGreaterThan(20)
    // The last token of the text (after the model's BOS, where it adds one).
    const position = ids.length - 1
    const run = await influence(text, position, 256)
    expect(run.end).toMatchObject({ kind: 'ended', reason: 'end-of-generation' })
    const context = run.context.map((t) => t.id)
    expect(context.slice(-ids.length)).toEqual(ids)
    expect(context).toEqual(ids)
    const target = context[position]!
    expect(
      Math.abs(run.baseline - Math.log(oracle.probs(context[position - 1]!)[target]!)),
    ).toBeLessThanOrEqual(1e-3)
    expect(run.total).toBe(position)
    expect([...run.items.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: position }, (_, i) => i),
    )
    for (const [at, item] of run.items) {
      if (at === position - 1) continue
      expect(Math.abs(item.change), `removing token ${at}`).toBeLessThanOrEqual(1e-6)
    }
    // Without the preceding token, the one before that predicts the target.
    const preceding = run.items.get(position - 1)!
    expect(Math.abs(preceding.change)).toBeGreaterThan(1e-3)
    const instead = Math.log(oracle.probs(context[position - 2]!)[target]!)
    expect(Math.abs(preceding.logProb - instead)).toBeLessThanOrEqual(1e-3)
  })

  it('reuses the cached prefix: each removal re-reads only the tokens from it on', async () => {
    const scoreId = nextId('score')
    await harness.engine.score({ runId: scoreId, text, topN: 3 })
    await harness.waitForEnd(scoreId)
    const position = 20
    const window = 8
    const run = await influence(text, position, window)
    expect([...run.items.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: window }, (_, i) => position - window + i),
    )
    // The baseline reads one token (scoring left the text in the cache). Removing token j after
    // j + 1 reads the position − 1 − j tokens after it; removing the nearest one re-reads the
    // token before it, for its logits.
    const reread = Array.from({ length: window }, (_, k) => k).reduce((sum, k) => sum + k, 0)
    expect(run.cost).toEqual({
      evaluations: window + 1,
      evaluatedTokens: 2 + reread,
      withoutReuse: position + window * (position - 1),
    })
  })

  it('holds the engine like any run, stops when asked and leaves it usable', async () => {
    const long = 'Attention lets every token look at the others. '.repeat(60)
    const runId = nextId('influence')
    await harness.engine.influence({ runId, text: long, position: 500, window: 256 })
    await harness.until(
      () => harness.events.some((e) => e.runId === runId && e.kind === 'influence') || null,
      'the baseline',
      30_000,
    )
    const busy = await harness.engine
      .score({ runId: nextId('score'), text, topN: 3 })
      .catch((error: unknown) => error)
    await harness.engine.cancel({ runId })
    const run = fold(await harness.waitForEnd(runId))
    // 256 removals re-read some 33,000 tokens: far longer than one call's round trip.
    expect(String((busy as { message?: string }).message)).toMatch(/token influence/)
    expect(run.end).toMatchObject({ kind: 'ended', reason: 'cancelled' })
    expect(run.items.size).toBeLessThan(256)
    const after = nextId('score')
    await harness.engine.score({ runId: after, text, topN: 3 })
    const events = await harness.waitForEnd(after)
    expect(events.some((e) => e.kind === 'ended' && e.reason === 'end-of-generation')).toBe(true)
  })

  it('fails clearly for a position the text does not have', async () => {
    const tooFar = fold(
      await (async () => {
        const runId = nextId('influence')
        await harness.engine.influence({ runId, text: 'A token', position: 40, window: 8 })
        return harness.waitForEnd(runId)
      })(),
    )
    expect(tooFar.end?.kind === 'failed' && tooFar.end.error.message).toMatch(/no token at/)
    const first = fold(
      await (async () => {
        const runId = nextId('influence')
        await harness.engine.influence({ runId, text: 'A token', position: 1, window: 8 })
        return harness.waitForEnd(runId)
      })(),
    )
    expect(first.end?.kind === 'failed' && first.end.error.message).toMatch(/Only one token/)
  })
})
