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
})
