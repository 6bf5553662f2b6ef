import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import {
  influenceReducer,
  initialInfluence,
  isMeasuring,
} from '../../src/renderer/src/views/learn/influence-store'
import {
  describeChange,
  influenceBackground,
  noEffect,
  strongestChange,
} from '../../src/renderer/src/views/learn/influence-colors'

const cost = (evaluations: number) => ({ evaluations, evaluatedTokens: 3, withoutReuse: 9 })
const requested = influenceReducer(initialInfluence, {
  type: 'requested',
  runId: 'r1',
  text: 'a b c',
  position: 3,
  window: 2,
})

describe('the influence store', () => {
  it('collects the baseline, each removed token’s change and the cost, then ends', () => {
    const events: RunEvent[] = [
      {
        kind: 'influence',
        runId: 'r1',
        context: [
          { id: 1, text: 'a' },
          { id: 2, text: ' b' },
          { id: 3, text: ' c' },
          { id: 4, text: ' d' },
        ],
        baseline: -1.5,
        total: 2,
        items: [],
        cost: cost(1),
      },
      {
        kind: 'influence',
        runId: 'r1',
        total: 2,
        items: [{ position: 2, logProb: -3, change: -1.5 }],
        cost: cost(2),
      },
      { kind: 'influence', runId: 'other', total: 9, items: [], cost: cost(9) },
      {
        kind: 'influence',
        runId: 'r1',
        total: 2,
        items: [{ position: 1, logProb: -1.5, change: 0 }],
        cost: cost(3),
      },
    ]
    const running = influenceReducer(requested, { type: 'events', events })
    expect(running).toMatchObject({ phase: 'running', baseline: -1.5, total: 2 })
    expect(running.context).toHaveLength(4)
    expect(running.changes).toEqual({ 2: -1.5, 1: 0 })
    expect(running.cost?.evaluations).toBe(3)
    const ended = influenceReducer(running, {
      type: 'events',
      events: [
        {
          kind: 'ended',
          runId: 'r1',
          reason: 'cancelled',
          contextUsed: 3,
          stats: {
            promptTokens: 3,
            reusedPromptTokens: 0,
            evaluatedTokens: 3,
            generatedTokens: 0,
            timeToFirstTokenMs: null,
            tokensPerSecond: null,
          },
        },
      ],
    })
    expect(ended).toMatchObject({ phase: 'ended', stopReason: 'cancelled' })
    expect(isMeasuring(ended)).toBe(false)
    // Events after the end change nothing.
    expect(
      influenceReducer(ended, {
        type: 'events',
        events: [{ kind: 'influence', runId: 'r1', total: 2, items: [], cost: cost(7) }],
      }),
    ).toBe(ended)
  })

  it('fails on a lost link only while measuring, and clears only when idle', () => {
    const lost = influenceReducer(requested, { type: 'connectionLost' })
    expect(lost.phase).toBe('failed')
    expect(influenceReducer(lost, { type: 'connectionLost' })).toBe(lost)
    expect(influenceReducer(requested, { type: 'cleared' })).toBe(requested)
    expect(influenceReducer(lost, { type: 'cleared' })).toEqual(initialInfluence)
  })
})

describe('influence colours', () => {
  it('leaves no-effect tokens untinted and scales the rest by the strongest change', () => {
    expect(influenceBackground(0, 2)).toBe('transparent')
    expect(influenceBackground(noEffect / 2, 2)).toBe('transparent')
    expect(influenceBackground(-2, 2)).toBe('rgba(234, 88, 12, 0.800)')
    expect(influenceBackground(1, 2)).toBe('rgba(37, 99, 235, 0.460)')
    expect(strongestChange({ 1: -0.5, 2: 1.25, 3: 0 })).toBe(1.25)
    expect(strongestChange({})).toBe(0)
  })

  it('describes a change in nats and as a factor on p', () => {
    expect(describeChange(-Math.log(4))).toBe('−1.386 nats (p ÷ 4.00)')
    expect(describeChange(Math.log(2))).toBe('+0.693 nats (p × 2.00)')
  })
})
