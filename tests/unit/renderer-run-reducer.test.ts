import { contextUsage } from '../../src/renderer/src/lib/numbering'
import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, RunStats } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import {
  runCounts,
  describeStopReason,
  generatedTokenAt,
  initialRunState,
  mergeTokenEvents,
  runReducer,
  runStateLabel,
  type RunAction,
  type RunState,
} from '../../src/renderer/src/stores/run-reducer'
import { chunkSize } from '../../src/renderer/src/stores/token-chunks'

const runId = 'run-1'
const stats: RunStats = {
  promptTokens: 3,
  reusedPromptTokens: 0,
  evaluatedTokens: 0,
  generatedTokens: 0,
  timeToFirstTokenMs: null,
  tokensPerSecond: null,
}

function token(id: number, modelProb = 0.5): GeneratedToken {
  return {
    id,
    text: ` t${id}`,
    logit: 1,
    modelProb,
    samplingProb: modelProb,
    position: id,
    rank: 1,
    entropyBits: 1,
    alternatives: [],
    tailMass: 0,
  }
}

function reduce(actions: RunAction[], from: RunState = initialRunState): RunState {
  return actions.reduce(runReducer, from)
}

const requested: RunAction = {
  type: 'requested',
  runId,
  promptText: 'Hello',
  sampling: defaultSampling,
  maxTokens: 100,
}
const started: RunEvent = {
  kind: 'started',
  forced: [],
  parts: { system: 0, history: 0, droppedMessages: 0, template: null },
  runId,
  prompt: [
    { id: 1, text: '<s>' },
    { id: 2, text: 'Hel' },
    { id: 3, text: 'lo' },
  ],
  contextSize: 512,
  sampling: { ...defaultSampling, seed: 7 },
}
const tokens = (ids: number[], contextUsed: number): RunAction => ({
  type: 'event',
  event: { kind: 'tokens', runId, tokens: ids.map((id) => token(id)), contextUsed, stats },
})

describe('run reducer', () => {
  it('walks a run from request to end', () => {
    let state = reduce([requested])
    expect(state.phase).toBe('starting')
    expect(runStateLabel(state)).toBe('running')

    state = reduce([{ type: 'event', event: started }], state)
    expect(state.phase).toBe('running')
    expect(state.promptCount).toBe(3)
    expect(state.contextSize).toBe(512)
    expect(state.contextUsed).toBe(3)
    expect(state.sampling?.seed).toBe(7)

    state = reduce([tokens([10, 11], 4), tokens([12], 5)], state)
    expect(state.tokenCount).toBe(3)
    expect(generatedTokenAt(state, 2)?.id).toBe(12)
    expect(state.contextUsed).toBe(5)

    state = reduce(
      [
        {
          type: 'event',
          event: { kind: 'ended', runId, reason: 'max-tokens', contextUsed: 6, stats },
        },
      ],
      state,
    )
    expect(runStateLabel(state)).toBe('ended')
    expect(state.stopReason).toBe('max-tokens')
    expect(state.tokenCount).toBe(3)
  })

  it('ignores events of other runs and events after the end', () => {
    const running = reduce([requested, { type: 'event', event: started }])
    const foreign = reduce([{ type: 'event', event: { ...started, runId: 'other' } }], running)
    expect(foreign).toBe(running)

    const ended = reduce(
      [
        {
          type: 'event',
          event: { kind: 'ended', runId, reason: 'cancelled', contextUsed: 3, stats },
        },
      ],
      running,
    )
    expect(reduce([tokens([99], 9)], ended)).toBe(ended)
  })

  it('keeps full chunks untouched when a batch arrives', () => {
    const ids = Array.from({ length: chunkSize + 5 }, (_, i) => i)
    const state = reduce([requested, { type: 'event', event: started }, tokens(ids, 80)])
    const next = reduce([tokens([1000], 81)], state)
    expect(next.tokens[0]).toBe(state.tokens[0])
    expect(next.tokens[1]).not.toBe(state.tokens[1])
    expect(next.tokens[1]?.length).toBe(6)
  })

  it('keeps partial output when the engine crashes', () => {
    const crashed = reduce([
      requested,
      { type: 'event', event: started },
      tokens([10, 11], 5),
      {
        type: 'event',
        event: {
          kind: 'failed',
          runId,
          error: { code: 'engine-crashed', message: 'The engine process stopped unexpectedly.' },
        },
      },
    ])
    expect(runStateLabel(crashed)).toBe('failed')
    expect(crashed.tokenCount).toBe(2)
    expect(crashed.error?.code).toBe('engine-crashed')
  })

  it('fails a run whose request is refused, or whose link drops', () => {
    const refused = reduce([
      requested,
      { type: 'requestFailed', runId, error: { code: 'run-busy', message: 'busy' } },
    ])
    expect(refused.phase).toBe('failed')
    expect(refused.error?.code).toBe('run-busy')

    const dropped = reduce([
      requested,
      { type: 'event', event: started },
      { type: 'connectionLost' },
    ])
    expect(dropped.phase).toBe('failed')
    expect(dropped.promptCount).toBe(3)
  })

  it('marks a cancel request and refuses a second run while one is going', () => {
    const running = reduce([requested, { type: 'cancelRequested', runId }])
    expect(running.stopping).toBe(true)
    expect(reduce([{ ...requested, runId: 'run-2' }], running)).toBe(running)
    expect(reduce([{ type: 'cleared' }], running)).toBe(running)
  })

  it('counts every generated token in the context, also the one the engine has not read yet', () => {
    expect(contextUsage(runCounts(initialRunState), 2048)).toEqual({
      used: 0,
      size: 2048,
      prompt: 0,
      generated: 0,
    })
    // The engine reports 5 used after 3 tokens: the third is only read with the next step.
    const state = reduce([requested, { type: 'event', event: started }, tokens([10, 11, 12], 5)])
    expect(contextUsage(runCounts(state), 512)).toEqual({
      used: 6,
      size: 512,
      prompt: 3,
      generated: 3,
    })
  })

  it('counts a branch’s forced tokens as generated, not as prompt', () => {
    const state = reduce([
      requested,
      { type: 'event', event: { ...started, forced: [{ id: 40, text: ' branch' }] } },
      tokens([10], 5),
    ])
    expect(state.promptCount).toBe(3)
    expect(runCounts(state)).toEqual({ prompt: 3, generated: 2 })
  })

  it('applies a frame of events at once, appending its token batches together', () => {
    const batch = (ids: number[], contextUsed: number): RunEvent => ({
      kind: 'tokens',
      runId,
      tokens: ids.map((id) => token(id)),
      contextUsed,
      stats,
    })
    const merged = mergeTokenEvents([started, batch([1], 4), batch([2, 3], 6), batch([4], 7)])
    expect(merged.map((e) => e.kind)).toEqual(['started', 'tokens'])
    const state = reduce([
      requested,
      { type: 'events', events: [started, batch([1], 4), batch([2, 3], 6), batch([4], 7)] },
    ])
    expect(state.tokenCount).toBe(4)
    expect(state.contextUsed).toBe(7)
    expect(state.tokens).toHaveLength(1)
  })

  it('describes every stop reason', () => {
    for (const reason of [
      'end-of-generation',
      'max-tokens',
      'cancelled',
      'context-full',
    ] as const) {
      expect(describeStopReason(reason)).toMatch(/\w/)
    }
  })
})
