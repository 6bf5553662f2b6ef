import { describe, expect, it } from 'vitest'
import { liveStats } from '../../src/renderer/src/stores/live-stats'
import { initialRunState, type RunState } from '../../src/renderer/src/stores/run-reducer'

const run = (
  phase: RunState['phase'],
  generated: number,
  rate: number,
  first: number,
): RunState => ({
  ...initialRunState,
  phase,
  stats: {
    promptTokens: 5,
    reusedPromptTokens: 0,
    evaluatedTokens: 5 + generated,
    generatedTokens: generated,
    timeToFirstTokenMs: first,
    tokensPerSecond: rate,
  },
})

describe('the status bar follows the run that is generating', () => {
  it("shows Chat's run while it writes, whatever view is on screen", () => {
    const stats = liveStats({
      view: 'completion',
      completion: run('ended', 40, 100, 10),
      chat: run('running', 7, 50, 20),
      compare: [],
    })
    expect(stats).toMatchObject({ owner: 'chat', active: true, generatedTokens: 7 })
  })

  it("adds up a comparison's columns, which decode together", () => {
    const stats = liveStats({
      view: 'chat',
      completion: initialRunState,
      chat: initialRunState,
      compare: [run('running', 3, 30, 25), run('running', 4, 40, 15)],
    })
    expect(stats).toMatchObject({
      owner: 'compare',
      generatedTokens: 7,
      tokensPerSecond: 70,
      timeToFirstTokenMs: 15,
    })
  })

  it("shows the view's own last run when nothing generates, and nothing before a run", () => {
    const input = {
      completion: run('ended', 40, 100, 10),
      chat: initialRunState,
      compare: [run('ended', 9, 30, 25)],
    }
    expect(liveStats({ ...input, view: 'compare' })).toMatchObject({
      owner: 'compare',
      active: false,
    })
    expect(liveStats({ ...input, view: 'models' })?.owner).toBe('completion')
    expect(liveStats({ ...input, view: 'chat' })).toBeNull()
  })

  it('follows Score text and the Pipeline too, while they run and on their own tabs', () => {
    const input = {
      completion: run('ended', 40, 100, 10),
      chat: initialRunState,
      compare: [],
      pipeline: run('ended', 1, 12, 30),
    }
    expect(
      liveStats({ ...input, view: 'completion', score: run('running', 12, 300, 5) }),
    ).toMatchObject({ owner: 'score', active: true, generatedTokens: 12 })
    expect(liveStats({ ...input, view: 'pipeline' })).toMatchObject({
      owner: 'pipeline',
      active: false,
    })
    // Embeddings has no token run: the status bar keeps Completion's, as on the Models tab.
    expect(liveStats({ ...input, view: 'embeddings' })?.owner).toBe('completion')
  })
})
