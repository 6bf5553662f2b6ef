import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, RunStats, TokenCandidate } from '../../src/shared/contract'
import { completionPathTokens } from '../../src/shared/completion-tree'
import { defaultSampling } from '../../src/shared/schemas'
import {
  activePath,
  sessionFromJson,
  sessionToJson,
  sessionToMarkdown,
} from '../../src/shared/session-export'
import { sessionDocumentSchema } from '../../src/shared/sessions'
import {
  branchTreeReducer,
  emptyBranchTree,
  type BranchAction,
  type BranchTree,
} from '../../src/renderer/src/stores/branch-tree'
import {
  branchParent,
  divergences,
  forcedToken,
  lineage,
  pathTokens,
  switchTarget,
} from '../../src/renderer/src/stores/branch-paths'
import { treeCounts } from '../../src/renderer/src/stores/tree-counts'
import {
  completionSessionFromTree,
  shownRecord,
  treeFromSession,
} from '../../src/renderer/src/sessions/branches'
import {
  compareSession,
  compareStateFrom,
  keptIds,
} from '../../src/renderer/src/sessions/compare-sessions'
import { completionSession } from '../../src/renderer/src/sessions/records'
import { holdsTree } from '../../src/renderer/src/sessions/view-sessions'
import { initialRunState, runReducer } from '../../src/renderer/src/stores/run-reducer'
import {
  compareReducer,
  initialCompareState,
  type CompareAction,
} from '../../src/renderer/src/views/compare/compare-reducer'
import { type CompareState } from '../../src/renderer/src/views/compare/compare-state'

const stats: RunStats = {
  promptTokens: 1,
  reusedPromptTokens: 0,
  evaluatedTokens: 3,
  generatedTokens: 3,
  timeToFirstTokenMs: 4,
  tokensPerSecond: 250,
}

const candidate = (id: number, modelProb: number): TokenCandidate => ({
  id,
  text: ` t${id}`,
  logit: modelProb * 10,
  modelProb,
  samplingProb: modelProb,
})

/** A step whose alternatives are its own token and three others (ids 900+, 910+, 920+). */
function token(id: number, position: number): GeneratedToken {
  return {
    ...candidate(id, 0.5),
    position,
    rank: 1,
    entropyBits: 1.5,
    alternatives: [
      candidate(id, 0.5),
      candidate(900 + position, 0.2),
      candidate(910 + position, 0.1),
      candidate(920 + position, 0.05),
    ],
    // Rounding noise that the saved file must not keep.
    tailMass: 1.0000000001,
  }
}

function run(runId: string, ids: number[], from: number, sampling = defaultSampling): RunEvent[] {
  return [
    {
      runId,
      kind: 'started',
      prompt: [{ id: 1, text: 'Once' }],
      forced: [],
      parts: { system: 0, history: 1, droppedMessages: 0, template: null },
      contextSize: 256,
      sampling,
    },
    {
      runId,
      kind: 'tokens',
      tokens: ids.map((id, i) => token(id, from + i)),
      contextUsed: 1 + from + ids.length,
      stats,
    },
    { runId, kind: 'ended', reason: 'max-tokens', contextUsed: 1 + from + ids.length, stats },
  ]
}

const reduce = (tree: BranchTree, ...actions: BranchAction[]) =>
  actions.reduce(branchTreeReducer, tree)

const hotter = { ...defaultSampling, temperature: 1.1 }

/** Branches at `position` of the shown path with alternative number `alt` (1–3), as the UI does. */
function branch(tree: BranchTree, runId: string, position: number, alt: number, ids: number[]) {
  const step = pathTokens(tree, tree.activeId)[position]
  const alternative = step?.alternatives[alt]
  const parent = branchParent(tree, position)
  if (!step || !alternative || !parent) throw new Error('nothing to branch from')
  return reduce(
    tree,
    {
      type: 'branchRequested',
      runId,
      parentId: parent.id,
      forkAt: position,
      first: forcedToken(step, alternative),
      sampling: hotter,
    },
    { type: 'events', events: run(runId, ids, position + 1, hotter) },
  )
}

/** A root run, a branch at 2, a branch of that branch at 4, a second branch at 2, one at 0. */
function bushyTree(): BranchTree {
  let tree = reduce(
    emptyBranchTree,
    { type: 'rootRequested', runId: 'root', promptText: 'Once', sampling: defaultSampling },
    { type: 'events', events: run('root', [10, 11, 12, 13, 14, 15], 0) },
  )
  tree = branch(tree, 'b1', 2, 1, [30, 31, 32, 33])
  tree = branch(tree, 'b2', 4, 2, [40, 41])
  tree = reduce(tree, { type: 'activated', id: 'root' })
  tree = branch(tree, 'b3', 2, 3, [50])
  tree = reduce(tree, { type: 'activated', id: 'root' })
  tree = branch(tree, 'b4', 0, 1, [60, 61])
  return reduce(tree, { type: 'activated', id: 'b2' })
}

const save = (
  tree: BranchTree,
  previous = null as ReturnType<typeof completionSessionFromTree> | null,
) =>
  completionSessionFromTree({
    tree,
    previous,
    id: 'session-1',
    promptId: 'prompt-1',
    model: { name: 'Demo', fileName: 'demo.gguf', sha256: null },
    maxTokens: 64,
    topN: 20,
    now: '2026-11-22T10:00:00.000Z',
  })

const structure = (tree: BranchTree) =>
  tree.order.map((id) => {
    const node = tree.nodes[id]
    return [id, node?.parentId, node?.forkAt, pathTokens(tree, id).map((t) => t.id)]
  })

describe('Completion branches in a session', () => {
  it('keeps every branch as a node of the tree under the one prompt, with its own tokens only', () => {
    const tree = bushyTree()
    const doc = save(tree)
    expect(sessionDocumentSchema.safeParse(doc).success).toBe(true)
    const prompts = doc.nodes.filter((n) => n.role === 'prompt')
    const completions = doc.nodes.filter((n) => n.role === 'completion')
    expect(prompts).toHaveLength(1)
    expect(completions.map((n) => n.id)).toEqual(['root', 'b1', 'b2', 'b3', 'b4'])
    // The document's tree is the view's: parent and fork point of each node.
    expect(completions.map((n) => [n.id, n.parentId, n.forkAt])).toEqual([
      ['root', prompts[0]?.id, undefined],
      ['b1', 'root', 2],
      ['b2', 'b1', 4],
      ['b3', 'root', 2],
      ['b4', 'root', 0],
    ])
    // b2 keeps its pick and what followed; its text is the root's first two, b1's pick and its
    // tokens up to 4, then its own.
    const b2 = completions.find((n) => n.id === 'b2')?.run
    expect(b2?.tokens.map((t) => t.id)).toEqual([914, 40, 41])
    expect(completionPathTokens(doc, 'b2').map((t) => t.id)).toEqual([10, 11, 902, 30, 914, 40, 41])
    expect(b2?.tokens.every((t) => t.tailMass <= 1)).toBe(true)
    expect(b2?.sampling.temperature).toBe(1.1)
    expect(b2?.prompt).toEqual([{ id: 1, text: 'Once' }])
    expect(doc.currentLeafId).toBe('b2')
    expect(doc.settings.topN).toBe(20)
    expect(doc.title).toBe('Once')
  })

  it('reads the same tree back: parents, fork points, siblings and the branch shown', () => {
    const tree = bushyTree()
    const read = sessionFromJson(sessionToJson(save(tree)))
    if (!read.ok) throw new Error(read.message)
    const back = treeFromSession(read.document)
    if (!back) throw new Error('no tree')
    expect(structure(back)).toEqual(structure(tree))
    expect(back.activeId).toBe('b2')
    expect(back.prompt).toEqual(tree.prompt)
    expect(back.promptText).toBe('Once')
    expect(divergences(back)).toEqual(divergences(tree))
    for (const position of [0, 2, 4])
      for (const delta of [-1, 1])
        expect(switchTarget(back, position, delta)).toBe(switchTarget(tree, position, delta))
    expect(lineage(back, 'b2').map((n) => n.id)).toEqual(['root', 'b1', 'b2'])
    expect(back.nodes.b2?.status).toBe('ended')
    expect(back.nodes.b2?.stopReason).toBe('max-tokens')
    expect(shownRecord(read.document, back)?.tokens).toHaveLength(3)
  })

  it('restores the shown branch into the run view and exports it as Markdown', () => {
    const doc = save(bushyTree())
    const back = treeFromSession(doc)
    const record = back ? shownRecord(doc, back) : null
    if (!back || !record || !back.activeId) throw new Error('no tree')
    expect(record.sampling.temperature).toBe(1.1)
    expect(pathTokens(back, back.activeId)).toHaveLength(7)
    expect(activePath(doc).map((n) => n.id)).toEqual(['prompt-1', 'root', 'b1', 'b2'])
    const markdown = sessionToMarkdown(doc)
    expect(markdown).toContain(' t10 t11 t902 t30 t914 t40 t41')
    expect(markdown).not.toContain('t60')
  })

  it('saves later branches into the same session, keeping its id, title and dates', () => {
    const tree = bushyTree()
    const first = { ...save(tree), title: 'Renamed' }
    const more = branch(tree, 'b5', 1, 1, [70])
    expect(holdsTree(first, more.order[0])).toBe(true)
    const second = completionSessionFromTree({
      tree: more,
      previous: first,
      id: 'other',
      promptId: 'other-prompt',
      model: null,
      maxTokens: 64,
      topN: 10,
      now: '2026-11-22T11:00:00.000Z',
    })
    expect(second.id).toBe('session-1')
    expect(second.title).toBe('Renamed')
    expect(second.createdAt).toBe(first.createdAt)
    expect(second.updatedAt).toBe('2026-11-22T11:00:00.000Z')
    expect(second.nodes.find((n) => n.role === 'prompt')?.id).toBe('prompt-1')
    expect(second.nodes.find((n) => n.id === 'root')?.createdAt).toBe(first.createdAt)
    expect(second.model).toEqual(first.model)
    expect(second.currentLeafId).toBe('b5')
    expect(structure(treeFromSession(second) ?? emptyBranchTree)).toEqual(structure(more))
    expect(holdsTree(first, 'someone-else')).toBe(false)
  })

  it('comes back with a branch that was running when saved as stopped', () => {
    const tree = reduce(
      bushyTree(),
      { type: 'activated', id: 'root' },
      {
        type: 'branchRequested',
        runId: 'live',
        parentId: 'root',
        forkAt: 5,
        first: forcedToken(token(15, 5), candidate(905, 0.2)),
        sampling: defaultSampling,
      },
    )
    const back = treeFromSession(save(tree))
    expect(back?.nodes.live).toMatchObject({ parentId: 'root', forkAt: 5, status: 'ended' })
    expect(back?.nodes.live?.stopReason).toBe('cancelled')
  })

  it('opens a session saved before branches were kept as a one-run tree', () => {
    const events = run('old', [10, 11], 0)
    const state = [
      {
        type: 'requested' as const,
        runId: 'old',
        promptText: 'Once',
        sampling: defaultSampling,
        maxTokens: 8,
      },
      { type: 'events' as const, events },
    ].reduce(runReducer, initialRunState)
    const doc = completionSession({
      id: 's',
      promptId: 'p',
      completionId: 'c',
      run: state,
      model: null,
      topN: 10,
      now: '2026-11-22T10:00:00.000Z',
    })
    const back = treeFromSession(doc)
    expect(back?.order).toEqual(['c'])
    expect(back?.activeId).toBe('c')
    expect(pathTokens(back ?? emptyBranchTree, 'c').map((t) => t.id)).toEqual([10, 11])
    expect(treeFromSession({ ...doc, nodes: doc.nodes.slice(0, 1) })).toBeNull()
  })

  it('keeps runs of the same prompt beside the first run, also when they start alike', () => {
    const seeded = (seed: number) => ({ ...defaultSampling, seed })
    let tree = reduce(
      emptyBranchTree,
      { type: 'rootRequested', runId: 'root', promptText: 'Once', sampling: seeded(1) },
      { type: 'events', events: run('root', [10, 11, 12], 0, seeded(1)) },
      { type: 'runRequested', runId: 'again', sampling: seeded(2) },
      { type: 'events', events: run('again', [10, 11, 20], 0, seeded(2)) },
    )
    tree = branch(tree, 'b1', 1, 1, [30])
    tree = reduce(
      tree,
      { type: 'runRequested', runId: 'third', sampling: seeded(3) },
      { type: 'events', events: run('third', [40], 0, seeded(3)) },
    )
    expect(treeCounts(tree)).toEqual({ runs: 3, branches: 1 })
    // Runs part at the first token, whatever they share: ‹ 3/3 › sits on token 1.
    expect(divergences(tree)).toEqual([{ position: 0, index: 2, count: 3 }])
    expect(tree.nodes.b1?.parentId).toBe('again')

    const doc = save(tree)
    const origins = doc.nodes.filter((n) => n.role === 'completion').map((n) => n.origin)
    expect(origins).toEqual(['run', 'run', 'branch', 'run'])
    expect(doc.nodes.find((n) => n.id === 'again')?.run?.sampling.seed).toBe(2)
    const back = treeFromSession(doc)
    if (!back) throw new Error('no tree')
    expect(structure(back)).toEqual(structure(tree))
    expect(back.nodes.again?.origin).toBe('run')
    expect(divergences(back)).toEqual(divergences(tree))
  })
})

const reduceCompare = (state: CompareState, ...actions: CompareAction[]) =>
  actions.reduce(compareReducer, state)

function comparison(): CompareState {
  return reduceCompare(
    initialCompareState,
    { type: 'promptChanged', prompt: 'Once upon' },
    { type: 'settingChanged', key: 'c2', setting: 'temperature', value: 1.5 },
    {
      type: 'runsRequested',
      runs: [
        { key: 'c1', runId: 'x1' },
        { key: 'c2', runId: 'x2' },
      ],
    },
    { type: 'events', events: [...run('x1', [10, 11, 12], 0), ...run('x2', [20, 21], 0)] },
  )
}

const ids = { prompt: 'p', column: (key: string) => `node-${key}` }

describe('a comparison in a session', () => {
  it('saves prompt, columns, settings and tokens as a tree, and reads them back', () => {
    const state = comparison()
    const doc = compareSession({
      state,
      previous: null,
      id: 'cmp',
      ids,
      model: null,
      topN: 10,
      now: '2026-11-22T10:00:00.000Z',
    })
    expect(doc.kind).toBe('compare')
    expect(doc.title).toBe('Once upon')
    // A prompt node, and a completion node per column under it.
    expect(doc.nodes.map((n) => [n.id, n.parentId, n.role, n.forkAt, n.column?.key])).toEqual([
      ['p', null, 'prompt', undefined, undefined],
      ['node-c1', 'p', 'completion', 0, 'c1'],
      ['node-c2', 'p', 'completion', 0, 'c2'],
    ])
    expect(doc.nodes[2]?.text).toBe(' t20 t21')
    const read = sessionFromJson(sessionToJson(doc))
    if (!read.ok) throw new Error(read.message)
    let n = 0
    const back = compareStateFrom(read.document, () => `restored-${++n}`)
    if (!back) throw new Error('no comparison read back')
    expect(back.prompt).toBe('Once upon')
    expect(back.columns.map((c) => c.key)).toEqual(['c1', 'c2'])
    expect(back.columns.map((c) => c.settings)).toEqual(state.columns.map((c) => c.settings))
    expect(back.columns.map((c) => c.preset)).toEqual(['greedy', null])
    expect(back.columns.map((c) => c.run.tokens.flat().map((t) => t.id))).toEqual([
      [10, 11, 12],
      [20, 21],
    ])
    expect(back.columns.map((c) => c.run.phase)).toEqual(['ended', 'ended'])
    expect(back.columns[0]?.run.stats?.tokensPerSecond).toBe(250)
    expect(back.columns[0]?.run.runId).toBe('restored-1')
    expect(back.nextKey).toBe(3)
    expect(sessionToMarkdown(doc)).toContain('## Comparison')
    expect(sessionToMarkdown(doc)).toContain(' t20 t21')
    // The view takes it as it is.
    const loaded = reduceCompare(initialCompareState, { type: 'loaded', state: back })
    expect(loaded.columns[1]?.settings.sampling.temperature).toBe(1.5)
  })

  it('keeps a column that never ran empty, and one saved midway as stopped', () => {
    const state = reduceCompare(
      initialCompareState,
      { type: 'promptChanged', prompt: 'Hi' },
      { type: 'runsRequested', runs: [{ key: 'c1', runId: 'y1' }] },
      { type: 'events', events: run('y1', [10], 0).slice(0, 2) },
    )
    const now = '2026-11-22T10:00:00.000Z'
    const doc = compareSession({ state, previous: null, id: 's', ids, model: null, topN: 5, now })
    expect(doc.nodes[1]?.run?.stopReason).toBe('cancelled')
    expect(doc.nodes[2]?.run).toBeNull()
    const back = compareStateFrom(doc, () => 'z')
    expect(back?.columns[1]?.run).toEqual(initialRunState)
    expect(back?.columns[0]?.run.stopReason).toBe('cancelled')
  })

  it("keeps the saved comparison's node ids by column key; a new column gets a new node", () => {
    const now = '2026-11-22T10:00:00.000Z'
    const first = compareSession({
      state: comparison(),
      previous: null,
      id: 's',
      ids,
      model: null,
      topN: 5,
      now,
    })
    const added = reduceCompare(comparison(), { type: 'columnAdded' })
    const fresh = { prompt: 'other', column: (key: string) => `fresh-${key}` }
    const again = compareSession({
      state: added,
      previous: first,
      id: 'x',
      ids: fresh,
      model: null,
      topN: 5,
      now,
    })
    expect(again.id).toBe('s')
    expect(again.nodes.map((n) => n.id)).toEqual(['p', 'node-c1', 'node-c2', 'fresh-c3'])
    expect(keptIds(null, fresh)).toBe(fresh)
  })

  it('is not read from a session without a comparison', () => {
    const now = '2026-11-22T10:00:00.000Z'
    const doc = compareSession({
      state: comparison(),
      previous: null,
      id: 's',
      ids,
      model: null,
      topN: 5,
      now,
    })
    expect(compareStateFrom({ ...doc, nodes: [] }, () => 'r')).toBeNull()
  })
})
