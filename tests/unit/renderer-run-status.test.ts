import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, RunStats } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import {
  branchTreeReducer,
  emptyBranchTree,
  type BranchTree,
} from '../../src/renderer/src/stores/branch-tree'
import {
  initialRunStatus,
  runCounts,
  runStatusReducer,
  type RunStatus,
  type RunStatusAction,
} from '../../src/renderer/src/stores/run-status'
import { chunkSize } from '../../src/renderer/src/stores/token-chunks'

// Completion's run store keeps the run's status only; its tokens live in the branch tree.

const runId = 'run-1'
const stats = (generatedTokens: number): RunStats => ({
  promptTokens: 2,
  reusedPromptTokens: 0,
  evaluatedTokens: 2,
  generatedTokens,
  timeToFirstTokenMs: 5,
  tokensPerSecond: 50,
})

function token(id: number): GeneratedToken {
  return {
    id,
    text: ` t${id}`,
    logit: 1,
    modelProb: 0.5,
    samplingProb: 0.5,
    position: id,
    rank: 1,
    entropyBits: 1,
    alternatives: [],
    tailMass: 0,
  }
}

const started: RunEvent = {
  kind: 'started',
  runId,
  forced: [],
  parts: { system: 0, history: 0, droppedMessages: 0, template: null },
  prompt: [
    { id: 1, text: '<s>' },
    { id: 2, text: 'Hi' },
  ],
  contextSize: 512,
  sampling: defaultSampling,
}

const batch = (ids: number[], generated: number): RunEvent => ({
  kind: 'tokens',
  runId,
  tokens: ids.map(token),
  contextUsed: 2 + generated,
  stats: stats(generated),
})

const requested: RunStatusAction = {
  type: 'requested',
  runId,
  promptText: 'Hi',
  sampling: defaultSampling,
  maxTokens: 100,
}

describe('Completion run status', () => {
  it('counts the tokens of each batch without keeping them', () => {
    const state = [
      requested,
      { type: 'events', events: [started, batch([3, 4], 2)] },
      { type: 'events', events: [batch([5], 3)] },
    ].reduce((s, a) => runStatusReducer(s, a as RunStatusAction), initialRunStatus as RunStatus)
    expect(state).toMatchObject({ phase: 'running', promptCount: 2, tokenCount: 3, contextUsed: 5 })
    expect(state).not.toHaveProperty('tokens')
    expect(runCounts(state)).toEqual({ prompt: 2, generated: 3 })
  })

  it('ignores the events of other runs and of a finished run', () => {
    const ended = runStatusReducer(runStatusReducer(initialRunStatus, requested), {
      type: 'event',
      event: { kind: 'ended', runId, reason: 'max-tokens', contextUsed: 2, stats: stats(0) },
    })
    expect(ended.phase).toBe('ended')
    expect(runStatusReducer(ended, { type: 'event', event: batch([9], 1) })).toBe(ended)
    const other = { ...batch([9], 1), runId: 'other' }
    const running = runStatusReducer(initialRunStatus, requested)
    expect(runStatusReducer(running, { type: 'event', event: other })).toBe(running)
  })

  it('takes a restored branch its counts and how it ended', () => {
    const state = runStatusReducer(initialRunStatus, {
      type: 'restored',
      runId,
      promptText: 'Hi',
      maxTokens: 10,
      outcome: {
        sampling: defaultSampling,
        promptCount: 2,
        tokenCount: 7,
        stopReason: 'failed',
        tokensPerSecond: 12,
        timeToFirstTokenMs: null,
      },
    })
    expect(state).toMatchObject({
      phase: 'failed',
      tokenCount: 7,
      contextUsed: 9,
      stopReason: null,
    })
    expect(state.stats?.tokensPerSecond).toBe(12)
  })
})

describe('the branch tree as the one holder of Completion tokens', () => {
  it('appends a batch in O(batch): every full chunk keeps its identity', () => {
    let tree: BranchTree = branchTreeReducer(emptyBranchTree, {
      type: 'rootRequested',
      runId,
      promptText: 'Hi',
      sampling: defaultSampling,
    })
    tree = branchTreeReducer(tree, { type: 'events', events: [started] })
    const ids = Array.from({ length: chunkSize + 3 }, (_, i) => i + 10)
    tree = branchTreeReducer(tree, { type: 'events', events: [batch(ids, ids.length)] })
    const before = tree.nodes[runId]!.tokens
    tree = branchTreeReducer(tree, { type: 'events', events: [batch([500], ids.length + 1)] })
    const after = tree.nodes[runId]!.tokens
    expect(after[0]).toBe(before[0])
    expect(after.flat().map((t) => t.id)).toEqual([...ids, 500])
    expect(tree.prompt.map((t) => t.id)).toEqual([1, 2])
  })
})
