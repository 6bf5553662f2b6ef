import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, RunStats } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import {
  contextPosition,
  contextUsage,
  countsLabel,
  tokenOfLabel,
} from '../../src/renderer/src/lib/numbering'
import { shownCounts } from '../../src/renderer/src/inspector/useBranchView'
import {
  branchTreeReducer,
  emptyBranchTree,
  type BranchAction,
} from '../../src/renderer/src/stores/branch-tree'
import { forcedToken, pathTokens } from '../../src/renderer/src/stores/branch-paths'
import {
  initialRunState,
  runReducer,
  type RunAction,
} from '../../src/renderer/src/stores/run-reducer'

const stats: RunStats = {
  promptTokens: 4,
  reusedPromptTokens: 0,
  evaluatedTokens: 0,
  generatedTokens: 0,
  timeToFirstTokenMs: null,
  tokensPerSecond: null,
}
const prompt = [1, 2, 3, 4].map((id) => ({ id, text: `p${id}` }))

function token(id: number, position: number): GeneratedToken {
  const candidate = { id, text: ` t${id}`, logit: 1, modelProb: 0.5, samplingProb: 0.5 }
  const other = { ...candidate, id: id + 500, text: ` alt${id}` }
  return {
    ...candidate,
    position,
    rank: 1,
    entropyBits: 1,
    alternatives: [candidate, other],
    tailMass: 0,
  }
}

/** What the engine sends for a run: `forced` tokens handed after the prompt, then `ids`. */
function events(runId: string, forced: number[], ids: number[]): RunEvent[] {
  const from = prompt.length + forced.length
  return [
    {
      runId,
      kind: 'started',
      prompt,
      forced: forced.map((id) => ({ id, text: ` t${id}` })),
      parts: { system: 0, history: prompt.length, droppedMessages: 0, template: null },
      contextSize: 64,
      sampling: defaultSampling,
    },
    {
      runId,
      kind: 'tokens',
      tokens: ids.map((id, i) => token(id, from + i)),
      // As the engine reports it: the newest token is not read yet.
      contextUsed: from + ids.length - 1,
      stats,
    },
  ]
}

describe('one numbering for generated tokens', () => {
  it('labels a token by its place in the text and in the context, both from 1', () => {
    const t = token(7, 14)
    expect(tokenOfLabel(10, 30)).toBe('Token 11 of 30')
    expect(contextPosition(t)).toBe(15)
    expect(countsLabel({ prompt: 4, generated: 30 })).toBe('4 prompt · 30 generated')
  })

  it('gives the header, the gauge and the inspector the same counts after a branch', () => {
    const root = [10, 11, 12, 13, 14, 15]
    let tree = [
      { type: 'rootRequested', runId: 'r', promptText: 'x', sampling: defaultSampling },
      { type: 'events', events: events('r', [], root) },
    ].reduce((t, a) => branchTreeReducer(t, a as BranchAction), emptyBranchTree)
    // Branch at token 3 (index 2): the engine is handed the first two and the pick.
    const step = pathTokens(tree, 'r')[2]
    const pick = step?.alternatives[1]
    if (!step || !pick) throw new Error('no step')
    const first = forcedToken(step, pick)
    tree = [
      {
        type: 'branchRequested',
        runId: 'b',
        parentId: 'r',
        forkAt: 2,
        first,
        sampling: defaultSampling,
      },
      { type: 'events', events: events('b', [10, 11, pick.id], [20, 21, 22, 23]) },
    ].reduce((t, a) => branchTreeReducer(t, a as BranchAction), tree)
    const run = [
      { type: 'requested', runId: 'b', promptText: 'x', sampling: defaultSampling, maxTokens: 9 },
      { type: 'events', events: events('b', [10, 11, pick.id], [20, 21, 22, 23]) },
    ].reduce((s, a) => runReducer(s, a as RunAction), initialRunState)

    const path = pathTokens(tree, 'b')
    const counts = shownCounts(run, tree)
    // Header and gauge: the prompt is the prompt; the kept part and the pick are generated.
    expect(counts).toEqual({ prompt: 4, generated: 7 })
    expect(path).toHaveLength(7)
    expect(contextUsage(counts, 64)).toEqual({ used: 11, size: 64, prompt: 4, generated: 7 })
    // Every token's context position is the prompt plus its number in the text.
    path.forEach((t, i) => expect(contextPosition(t)).toBe(counts.prompt + i + 1))
  })

  it('never reports more used than the context holds', () => {
    expect(contextUsage({ prompt: 60, generated: 10 }, 64)).toEqual({
      used: 64,
      size: 64,
      prompt: 60,
      generated: 4,
    })
  })
})
