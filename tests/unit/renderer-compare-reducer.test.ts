import { describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import { builtInPresets, presetLabel } from '../../src/renderer/src/inspector/presets'
import type { SettingKey } from '../../src/renderer/src/stores/settings'
import type { GeneratedToken, RunEvent, RunStats } from '../../src/shared/contract'
import {
  compareReducer,
  initialCompareState,
  type CompareAction,
} from '../../src/renderer/src/views/compare/compare-reducer'
import {
  isAnyActive,
  maxColumns,
  requestInput,
  runsTogether,
  settingsOf,
  sweepValues,
  type CompareState,
} from '../../src/renderer/src/views/compare/compare-state'
import {
  comparisonToJson,
  comparisonToMarkdown,
  summarizeColumn,
} from '../../src/renderer/src/views/compare/compare-export'
import { defaultGenerationSettings, settingsReducer } from '../../src/renderer/src/stores/settings'

const reduce = (state: CompareState, ...actions: CompareAction[]) =>
  actions.reduce(compareReducer, state)

const keys = (state: CompareState) => state.columns.map((c) => c.key)
const temps = (state: CompareState) => state.columns.map((c) => c.settings.sampling.temperature)

const stats: RunStats = {
  promptTokens: 2,
  reusedPromptTokens: 0,
  evaluatedTokens: 4,
  generatedTokens: 2,
  timeToFirstTokenMs: 5,
  tokensPerSecond: 100,
}

function token(id: number, modelProb: number): GeneratedToken {
  return {
    id,
    text: ` t${id}`,
    logit: 0,
    modelProb,
    samplingProb: modelProb,
    position: id,
    rank: 1,
    entropyBits: 2,
    alternatives: [],
    tailMass: 0,
  }
}

function started(runId: string): RunEvent {
  return {
    runId,
    kind: 'started',
    prompt: [{ id: 0, text: 'Hi' }],
    forced: [],
    parts: { system: 0, history: 1, droppedMessages: 0, template: null },
    contextSize: 512,
    sampling: defaultGenerationSettings.sampling,
  }
}

describe('compare columns', () => {
  it('starts with two columns, within 2..4', () => {
    expect(initialCompareState.columns).toHaveLength(2)
    expect(isAnyActive(initialCompareState)).toBe(false)
  })

  it('adds columns up to four, copying the last settings, and removes down to two', () => {
    let state = reduce(initialCompareState, { type: 'columnAdded' }, { type: 'columnAdded' })
    expect(state.columns).toHaveLength(maxColumns)
    expect(state.columns[3]?.settings).toEqual(state.columns[1]?.settings)
    expect(new Set(keys(state)).size).toBe(4)
    expect(compareReducer(state, { type: 'columnAdded' })).toBe(state)

    const third = state.columns[2]?.key ?? ''
    state = compareReducer(state, { type: 'columnRemoved', key: third })
    expect(keys(state)).not.toContain(third)
    state = compareReducer(state, { type: 'columnRemoved', key: state.columns[0]?.key ?? '' })
    expect(state.columns).toHaveLength(2)
    expect(compareReducer(state, { type: 'columnRemoved', key: keys(state)[0] ?? '' })).toBe(state)
  })

  it('changes one column’s setting, clamped, and forgets its preset', () => {
    const [first, second] = keys(initialCompareState)
    const state = reduce(initialCompareState, {
      type: 'settingChanged',
      key: second ?? '',
      setting: 'temperature',
      value: 99,
    })
    expect(temps(state)).toEqual([0, 5])
    expect(state.columns[0]).toBe(initialCompareState.columns[0])
    const tuned = reduce(initialCompareState, {
      type: 'settingChanged',
      key: first ?? '',
      setting: 'topK',
      value: 12.4,
    })
    expect(tuned.columns[0]?.settings.sampling.topK).toBe(12)
    expect(tuned.columns[0]?.preset).toBeNull()
  })

  it('applies a preset and keeps the column’s seed and token limit', () => {
    const wild = builtInPresets.find((p) => p.id === 'wild')
    if (!wild) throw new Error('no Wild preset')
    const key = keys(initialCompareState)[1] ?? ''
    const state = reduce(
      initialCompareState,
      { type: 'settingChanged', key, setting: 'maxTokens', value: 77 },
      { type: 'presetApplied', key, settings: wild.settings },
    )
    expect(state.columns[1]?.settings.sampling).toEqual({
      ...wild.settings,
      seed: defaultGenerationSettings.sampling.seed,
    })
    expect(state.columns[1]?.settings.maxTokens).toBe(77)
    expect(state.columns[1]?.preset).toBe('wild')
  })

  it('names a column by the preset its values equal, the user’s own included', () => {
    const [first, second] = initialCompareState.columns
    expect(first?.preset).toBe('greedy')
    expect(second?.preset).toBe('balanced')
    expect(presetLabel(second?.settings.sampling ?? defaultSampling, [])).toBe('Balanced')
    const mine = { temperature: 0.5, topK: 7, topP: 0.9, minP: 0 }
    const key = second?.key ?? ''
    // Typed by hand, value by value: the column is Balanced again once all four match.
    let state = reduce(initialCompareState, { type: 'presetApplied', key, settings: mine })
    expect(state.columns[1]?.preset).toBeNull()
    const user = [{ name: 'Mine', settings: mine, description: '' }]
    expect(presetLabel(state.columns[1]?.settings.sampling ?? defaultSampling, user)).toBe('Mine')
    expect(presetLabel(state.columns[1]?.settings.sampling ?? defaultSampling, [])).toBe('Custom')
    const balanced = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 }
    for (const [setting, value] of Object.entries(balanced))
      state = reduce(state, { type: 'settingChanged', key, setting: setting as SettingKey, value })
    expect(state.columns[1]?.preset).toBe('balanced')
    expect(presetLabel(state.columns[1]?.settings.sampling ?? defaultSampling, user)).toBe(
      'Balanced',
    )
  })

  it('shares one seed while "same seed" is on, and lets each differ when off', () => {
    const [first, second] = keys(initialCompareState)
    const shared = reduce(initialCompareState, {
      type: 'settingChanged',
      key: second ?? '',
      setting: 'seed',
      value: 9,
    })
    expect(shared.columns.map((c) => c.settings.sampling.seed)).toEqual([9, 9])

    const apart = reduce(
      shared,
      { type: 'sameSeedChanged', sameSeed: false },
      { type: 'settingChanged', key: second ?? '', setting: 'seed', value: 5 },
    )
    expect(apart.columns.map((c) => c.settings.sampling.seed)).toEqual([9, 5])
    const again = reduce(
      apart,
      { type: 'settingChanged', key: first ?? '', setting: 'seed', value: 3 },
      { type: 'sameSeedChanged', sameSeed: true },
    )
    expect(again.columns.map((c) => c.settings.sampling.seed)).toEqual([3, 3])
  })
})

describe('sweep', () => {
  it('spreads evenly spaced values, ends included, tidily rounded', () => {
    expect(sweepValues({ param: 'temperature', from: 0.2, to: 1.4 }, 4)).toEqual([0.2, 0.6, 1, 1.4])
    expect(sweepValues({ param: 'topP', from: 0.5, to: 1 }, 3)).toEqual([0.5, 0.75, 1])
    expect(sweepValues({ param: 'temperature', from: 0, to: 1 }, 3)).toEqual([0, 0.5, 1])
    expect(sweepValues({ param: 'topK', from: 5, to: 80 }, 4)).toEqual([5, 30, 55, 80])
    expect(sweepValues({ param: 'minP', from: 0.3, to: 0 }, 2)).toEqual([0.3, 0])
    expect(sweepValues({ param: 'topP', from: 0.5, to: 3 }, 2)).toEqual([0.5, 1])
  })

  it('fills the columns and marks them custom', () => {
    const state = reduce(
      initialCompareState,
      { type: 'columnAdded' },
      { type: 'sweepApplied', sweep: { param: 'temperature', from: 0.1, to: 1.1 } },
    )
    expect(temps(state)).toEqual([0.1, 0.6, 1.1])
    expect(state.columns.every((c) => c.preset === null)).toBe(true)
  })
})

describe('copying a column’s settings to the main view', () => {
  it('gives the settings store exactly the column’s settings', () => {
    const key = keys(initialCompareState)[1] ?? ''
    const state = reduce(
      initialCompareState,
      { type: 'settingChanged', key, setting: 'temperature', value: 1.3 },
      { type: 'settingChanged', key, setting: 'maxTokens', value: 64 },
    )
    const settings = settingsOf(state, key)
    expect(settings).not.toBeNull()
    if (!settings) return
    const main = settingsReducer(defaultGenerationSettings, { type: 'loaded', settings })
    expect(main.sampling.temperature).toBe(1.3)
    expect(main.maxTokens).toBe(64)
    expect(settingsOf(state, 'nope')).toBeNull()
  })
})

describe('runs in the columns', () => {
  const runs = [
    { key: 'c1', runId: 'r1' },
    { key: 'c2', runId: 'r2' },
  ]
  const requested = reduce(
    { ...initialCompareState, prompt: 'Hi' },
    { type: 'runsRequested', runs },
  )

  it('routes each run’s events to its own column; one ends while the other goes on', () => {
    let state = reduce(requested, {
      type: 'events',
      events: [
        started('r1'),
        started('r2'),
        { runId: 'r1', kind: 'tokens', tokens: [token(1, 0.5)], contextUsed: 2, stats },
        { runId: 'r2', kind: 'tokens', tokens: [token(2, 1), token(3, 1)], contextUsed: 3, stats },
      ],
    })
    expect(state.columns.map((c) => c.run.tokenCount)).toEqual([1, 2])
    state = compareReducer(state, {
      type: 'events',
      events: [{ runId: 'r1', kind: 'ended', reason: 'max-tokens', contextUsed: 2, stats }],
    })
    expect(state.columns.map((c) => c.run.phase)).toEqual(['ended', 'running'])
    expect(state.columns[0]?.run.stopReason).toBe('max-tokens')
    expect(isAnyActive(state)).toBe(true)
    // Columns do not change while runs go on.
    expect(compareReducer(state, { type: 'columnAdded' })).toBe(state)

    const summary = summarizeColumn(state.columns[1] ?? initialCompareState.columns[0]!)
    expect(summary.perplexity).toBe(1)
    expect(summary.tokensPerSecond).toBe(100)
  })

  it('adds up the speeds of the runs started together, and of no runs opened from a session', () => {
    const ran = reduce(requested, {
      type: 'events',
      events: ['r1', 'r2'].map((runId) => ({
        runId,
        kind: 'ended' as const,
        reason: 'max-tokens' as const,
        contextUsed: 2,
        stats,
      })),
    })
    expect(runsTogether(ran).map((r) => r.runId)).toEqual(['r1', 'r2'])
    // Column c2 runs again alone: its speed is its own, not added to c1's earlier one.
    const again = reduce(ran, { type: 'runsRequested', runs: [{ key: 'c2', runId: 'r3' }] })
    expect(runsTogether(again).map((r) => r.runId)).toEqual(['r3'])
    const { together: _unknown, ...opened } = ran
    expect(runsTogether(reduce(initialCompareState, { type: 'loaded', state: opened }))).toEqual([])
  })

  it('marks stopping and failures only for the named runs', () => {
    const stopping = compareReducer(requested, { type: 'cancelRequested', runIds: ['r2'] })
    expect(stopping.columns.map((c) => c.run.stopping)).toEqual([false, true])
    const error = { code: 'run-busy' as const, message: 'Another run is still going.' }
    const failed = compareReducer(requested, { type: 'requestFailed', runIds: ['r1', 'r2'], error })
    expect(failed.columns.map((c) => c.run.phase)).toEqual(['failed', 'failed'])
    expect(failed.columns[0]?.run.error).toEqual(error)
    const lost = compareReducer(requested, { type: 'connectionLost' })
    expect(lost.columns.every((c) => c.run.phase === 'failed')).toBe(true)
  })

  it('stays a plain serialisable object that exports to JSON and Markdown', () => {
    const state = reduce(requested, {
      type: 'events',
      events: [
        started('r1'),
        {
          runId: 'r1',
          kind: 'tokens',
          tokens: [token(1, 0.5), token(2, 0.25)],
          contextUsed: 3,
          stats,
        },
        { runId: 'r1', kind: 'ended', reason: 'end-of-generation', contextUsed: 3, stats },
      ],
    })
    expect(JSON.parse(JSON.stringify(state))).toEqual(state)
    const doc = JSON.parse(comparisonToJson(state, new Date(0))) as {
      prompt: string
      columns: { text: string; stats: { tokens: number; perplexity: number }; tokens: unknown[] }[]
    }
    expect(doc.prompt).toBe('Hi')
    expect(doc.columns[0]?.text).toBe(' t1 t2')
    expect(doc.columns[0]?.stats.tokens).toBe(2)
    expect(doc.columns[0]?.stats.perplexity).toBeCloseTo(Math.sqrt(8), 9)
    expect(doc.columns[0]?.tokens).toHaveLength(2)

    const table = comparisonToMarkdown(state)
    const lines = table.trim().split('\n')
    expect(lines.slice(0, 4)).toEqual(['Prompt:', '', '> Hi', ''])
    expect(lines).toContain('| Statistic | Column 1 | Column 2 |')
    expect(lines).toContain('| Perplexity | 2.83 | — |')
    expect(lines).toContain('| Stop reason | end-of-generation | — |')
    expect(loaded(initialCompareState)).toBe(initialCompareState)
    // Saved while a column still ran: it comes back ended, so nothing waits for it forever.
    const restored = loaded(requested)
    expect(restored.columns.map((c) => c.run.phase)).toEqual(['ended', 'ended'])
    expect(restored.columns[0]?.run.stopReason).toBe('cancelled')
    expect(isAnyActive(restored)).toBe(false)
  })
})

function loaded(state: CompareState): CompareState {
  return compareReducer(initialCompareState, { type: 'loaded', state })
}

describe('completion or chat input', () => {
  it('sends the raw prompt, or one user message with the system prompt', () => {
    const state = reduce(
      initialCompareState,
      { type: 'promptChanged', prompt: 'Hello' },
      { type: 'systemChanged', system: 'Be brief.' },
    )
    expect(requestInput(state)).toEqual({ prompt: 'Hello' })
    const chat = compareReducer(state, { type: 'inputChanged', input: 'chat' })
    expect(requestInput(chat)).toEqual({
      chat: { system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] },
    })
  })

  it('keeps the input kind while runs go on', () => {
    const running = reduce(
      { ...initialCompareState, prompt: 'Hi' },
      { type: 'runsRequested', runs: [{ key: 'c1', runId: 'r1' }] },
    )
    expect(compareReducer(running, { type: 'inputChanged', input: 'chat' })).toBe(running)
  })
})
