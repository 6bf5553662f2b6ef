import { describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { startingStatus, type EngineStatus, type ModelInfo } from '../../src/shared/engine-status'
import type { ReportedNumbers } from '../../src/shared/remote'
import {
  engineReducer,
  initialEngineState,
  type EngineAction,
} from '../../src/renderer/src/stores/engine-reducer'
import {
  splitByEngine,
  statGaps,
  whyColumnsCannotRun,
} from '../../src/renderer/src/views/compare/compare-engines'
import {
  compareReducer,
  initialCompareState,
  type CompareAction,
} from '../../src/renderer/src/views/compare/compare-reducer'
import { type CompareState } from '../../src/renderer/src/views/compare/compare-state'
import {
  comparisonToJson,
  comparisonToMarkdown,
  summarizeColumn,
} from '../../src/renderer/src/views/compare/compare-export'
import { compareSession, compareStateFrom } from '../../src/renderer/src/sessions/compare-sessions'
import { comparisonOf } from '../../src/shared/compare-tree'
import { sessionToMarkdown } from '../../src/shared/session-export'
import { sessionDocumentSchema } from '../../src/shared/sessions'

const ids = { prompt: 'p', column: (key: string) => `n-${key}` }

const at = '2026-12-03T08:00:00.000Z'
const remote = { endpointId: 'gpu-box', model: 'org/big-model.gguf' }
const reduce = (state: CompareState, ...actions: CompareAction[]) =>
  actions.reduce(compareReducer, state)
const engines = (state: CompareState) => state.columns.map((c) => c.engine ?? null)

const status = (model: ModelInfo | null): EngineStatus => ({
  ...startingStatus,
  state: 'ready',
  backend: 'cpu',
  model,
})
const engineWith = (...actions: EngineAction[]) => actions.reduce(engineReducer, initialEngineState)
const open: EngineAction = { type: 'link', link: 'open' }
const noModel = engineWith(open, { type: 'status', status: status(null) })
const ready = engineWith(open, {
  type: 'status',
  status: status({ name: 'Demo', isDemo: true } as ModelInfo),
})

const remoteReported: ReportedNumbers = {
  modelProb: true,
  samplingProb: false,
  entropy: false,
  rank: true,
  alternatives: 20,
  tokenId: false,
}

function token(id: number, modelProb: number, reported?: ReportedNumbers): GeneratedToken {
  return {
    id,
    text: `t${id}`,
    logit: 0,
    modelProb,
    samplingProb: 0,
    position: id,
    rank: 1,
    entropyBits: 0,
    alternatives: [],
    tailMass: 0,
    ...(reported && { reported }),
  }
}

describe('a column’s engine', () => {
  it('is the local engine until one is chosen, and goes back to it', () => {
    const chosen = reduce(initialCompareState, { type: 'engineChosen', key: 'c2', engine: remote })
    expect(engines(chosen)).toEqual([null, remote])
    const back = reduce(chosen, { type: 'engineChosen', key: 'c2', engine: null })
    expect(engines(back)).toEqual([null, null])
    expect('engine' in back.columns[1]!).toBe(false)
  })

  it('is copied to a column added after it', () => {
    const state = reduce(
      initialCompareState,
      { type: 'engineChosen', key: 'c2', engine: remote },
      { type: 'columnAdded' },
    )
    expect(engines(state)).toEqual([null, remote, remote])
  })

  it('falls back to the local engine when its endpoint is removed', () => {
    const state = reduce(
      initialCompareState,
      { type: 'engineChosen', key: 'c1', engine: remote },
      { type: 'engineChosen', key: 'c2', engine: { endpointId: 'other', model: 'm' } },
      { type: 'endpointsGone', endpointIds: ['gpu-box'] },
    )
    expect(engines(state)).toEqual([null, { endpointId: 'other', model: 'm' }])
  })

  it('is not changed while a run is on', () => {
    const running = reduce(initialCompareState, {
      type: 'runsRequested',
      runs: [{ key: 'c1', runId: 'r1' }],
    })
    expect(reduce(running, { type: 'engineChosen', key: 'c2', engine: remote })).toBe(running)
  })

  it('is kept by a saved comparison and comes back when it is reopened', () => {
    const state = reduce(initialCompareState, { type: 'engineChosen', key: 'c2', engine: remote })
    const doc = sessionDocumentSchema.parse(
      compareSession({ state, previous: null, id: 's', ids, model: null, topN: 5, now: at }),
    )
    const columns = comparisonOf(doc.nodes)?.columns ?? []
    expect(columns.map((c) => c.column.engine ?? null)).toEqual([null, remote])
    const back = compareStateFrom(doc, () => 'r')
    if (!back) throw new Error('no comparison read back')
    expect(engines(back)).toEqual([null, remote])
  })

  it('is named in the JSON export', () => {
    const state = reduce(initialCompareState, { type: 'engineChosen', key: 'c2', engine: remote })
    const doc = JSON.parse(comparisonToJson(state, new Date(0))) as {
      columns: { engine: unknown }[]
    }
    expect(doc.columns.map((c) => c.engine)).toEqual(['local', { remote }])
  })

  it('is named in the Markdown table and in the saved session’s Markdown', () => {
    const state = reduce(initialCompareState, { type: 'engineChosen', key: 'c2', engine: remote })
    expect(comparisonToMarkdown(state)).toContain(`| Engine | local | remote: ${remote.model} |`)
    expect(comparisonToMarkdown(state)).toContain('| Penalties | off | off |')
    const doc = compareSession({
      state,
      previous: null,
      id: 'cmp',
      ids,
      model: null,
      topN: 10,
      now: at,
    })
    const markdown = sessionToMarkdown(doc)
    expect(markdown).toContain('| Column | Engine | Temperature |')
    expect(markdown).toContain('| Min-p | Penalties | Seed |')
    expect(markdown).toMatch(/\| 1[^|]* \| local \|/)
    expect(markdown).toMatch(/\| 2[^|]* \| remote: org\/big-model\.gguf \|/)
  })
})

describe('splitting the columns by engine', () => {
  it('batches the local columns and keeps each remote one apart, in order', () => {
    const columns = [{ key: 'a' }, { key: 'b', engine: remote }, { key: 'c' }]
    const { local, remote: remotes } = splitByEngine(columns)
    expect(local.map((c) => c.key)).toEqual(['a', 'c'])
    expect(remotes.map((c) => c.key)).toEqual(['b'])
  })
})

describe('why columns cannot run', () => {
  it('needs a local model only for local columns', () => {
    expect(whyColumnsCannotRun(noModel, [{}, { engine: remote }], 'Hi')).toMatch(/No model/)
    expect(whyColumnsCannotRun(noModel, [{ engine: remote }], 'Hi')).toBeNull()
    expect(whyColumnsCannotRun(ready, [{}, { engine: remote }], 'Hi')).toBeNull()
  })

  it('needs the link to the host and a prompt for any column', () => {
    expect(whyColumnsCannotRun(initialEngineState, [{ engine: remote }], 'Hi')).toBe(
      'Not connected to Tokenscope',
    )
    expect(whyColumnsCannotRun(ready, [{ engine: remote }], '  ')).toBe('Type a prompt first')
  })

  it('waits for a busy local engine only with a local column', () => {
    const chatting = engineWith(
      open,
      { type: 'status', status: status({ name: 'Demo', isDemo: true } as ModelInfo) },
      { type: 'runsRouted', runIds: ['r'], owner: 'chat' },
    )
    expect(whyColumnsCannotRun(chatting, [{}], 'Hi')).toMatch(/chat reply/)
    expect(whyColumnsCannotRun(chatting, [{ engine: remote }], 'Hi')).toBeNull()
  })
})

describe('statistics of what a remote server did not report', () => {
  it('finds no gap in local tokens', () => {
    expect(statGaps([token(1, 0.5), token(2, 0.25)])).toEqual({
      modelProb: false,
      entropy: false,
      tokenId: false,
      remote: false,
    })
  })

  it('names each number some token lacks', () => {
    const gaps = statGaps([token(1, 0.5), token(0, 0.25, remoteReported)])
    expect(gaps).toEqual({
      modelProb: false,
      entropy: true,
      tokenId: true,
      remote: true,
    })
  })

  it('leaves out of the summary what rests on unreported numbers, and keeps the rest', () => {
    const tokens = [token(0, 0.5, remoteReported), token(0, 0.25, remoteReported)]
    const column = { ...initialCompareState.columns[0]! }
    const summary = summarizeColumn(column, tokens)
    expect(summary.meanEntropyBits).toBeNull()
    expect(summary.distinct2).toBeNull()
    expect(summary.meanLogProb).toBeCloseTo((Math.log(0.5) + Math.log(0.25)) / 2, 12)
    expect(summary.perplexity).toBeCloseTo(Math.sqrt(8), 12)
  })

  it('says a mean entropy that averages bounds is a lower bound, and how many were bounded', () => {
    const bounded = { ...token(1, 0.5), entropyBits: 3, entropyUpperBits: 5 }
    const tokens = [bounded, { ...token(2, 0.25), entropyBits: 1 }, { ...bounded, id: 3 }]
    const first = initialCompareState.columns[0]!
    const column = { ...first, run: { ...first.run, tokens: [tokens] } }
    const state = { ...initialCompareState, columns: [column] }
    expect(summarizeColumn(column).boundedEntropyTokens).toBe(2)
    expect(comparisonToMarkdown(state)).toContain(
      '| Mean entropy (bits) | ≥ 2.33 (2 of 3 bounded) |',
    )
    const doc = JSON.parse(comparisonToJson(state, new Date(0))) as {
      columns: { tokens: { entropyBits: number; entropyUpperBits?: number }[] }[]
    }
    expect(doc.columns[0]!.tokens.map((t) => t.entropyUpperBits)).toEqual([5, undefined, 5])
  })

  it('says “not reported” for what a server reporting after sampling did not measure', () => {
    const afterSampling = { ...remoteReported, modelProb: false, samplingProb: true }
    const tokens = [0.5, 0.25].map((p) => ({
      ...token(0, 0, afterSampling),
      samplingProb: p,
    }))
    const first = initialCompareState.columns[0]!
    const column = { ...first, run: { ...first.run, tokens: [tokens] } }
    const state = { ...initialCompareState, columns: [column] }
    const summary = summarizeColumn(column)
    expect(summary.gaps.modelProb).toBe(true)
    expect(summary.perplexity).toBeNull()
    expect(summary.meanLogProb).toBeNull()
    const markdown = comparisonToMarkdown(state)
    expect(markdown).toContain('| Perplexity | not reported |')
    expect(markdown).toContain('| Mean log-prob (nats) | not reported |')
    expect(markdown).toContain('| Mean entropy (bits) | not reported |')
    expect(markdown).not.toMatch(/NaN|Infinity/)
    const doc = JSON.parse(comparisonToJson(state, new Date(0))) as {
      columns: { tokens: { modelProb: number | null; samplingProb: number | null }[] }[]
    }
    expect(doc.columns[0]!.tokens).toMatchObject([
      { modelProb: null, samplingProb: 0.5 },
      { modelProb: null, samplingProb: 0.25 },
    ])
  })
})
