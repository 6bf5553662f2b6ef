import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fastestTrial } from '../../src/main/engine/thread-choice'
import { EngineHarness } from '../helpers/engine-harness'

let harness: EngineHarness
beforeAll(() => {
  harness = new EngineHarness()
})
afterAll(() => harness.stop())

describe('the thread count a load uses', () => {
  it('is measured when the load options leave it open: the fastest count timed on this machine', async () => {
    const info = await harness.engine.loadModel({ source: { kind: 'demo' } })
    const choice = info.threads
    expect(choice?.how).toBe('measured')
    expect(choice?.trials.map((t) => t.threads)).toContain(1)
    for (const trial of choice?.trials ?? []) expect(trial.msPerToken).toBeGreaterThan(0)
    expect(choice?.count).toBe(fastestTrial(choice?.trials ?? [])?.threads)
    // The loaded model reports it, and a run on it works.
    expect((await harness.engine.getStatus()).model?.threads).toEqual(choice)
  })

  it('is timed once per model: loading it again reuses the measurement', async () => {
    const first = (await harness.engine.getStatus()).model?.threads
    const again = await harness.engine.loadModel({ source: { kind: 'demo' } })
    expect(again.threads).toEqual(first)
  })

  it('is the one asked for when the load options set it, with nothing timed', async () => {
    const info = await harness.engine.loadModel({ source: { kind: 'demo' }, threads: 2 })
    expect(info.threads).toEqual({ count: 2, how: 'set', trials: [] })
  })
})
