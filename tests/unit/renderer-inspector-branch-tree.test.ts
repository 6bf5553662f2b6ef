import { describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent, RunStats } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import {
  branchTreeReducer,
  emptyBranchTree,
  type BranchAction,
  type BranchTree,
} from '../../src/renderer/src/stores/branch-tree'
import {
  branchParent,
  continueBlocker,
  divergences,
  existingBranch,
  forcedToken,
  forcedTokensFor,
  isBranchRunning,
  isContinuation,
  lineage,
  pathTokens,
  siblingsAt,
} from '../../src/renderer/src/stores/branch-paths'
import { stableChunks } from '../../src/renderer/src/inspector/useBranchView'

const stats: RunStats = {
  promptTokens: 3,
  reusedPromptTokens: 0,
  evaluatedTokens: 0,
  generatedTokens: 0,
  timeToFirstTokenMs: null,
  tokensPerSecond: null,
}

function token(id: number, position: number): GeneratedToken {
  return {
    id,
    text: ` t${id}`,
    logit: 1,
    modelProb: 0.5,
    samplingProb: 0.5,
    position,
    rank: 1,
    entropyBits: 1,
    alternatives: [
      { id, text: ` t${id}`, logit: 1, modelProb: 0.5, samplingProb: 0.5 },
      {
        id: 899 + position,
        text: ` alt${position}`,
        logit: 0.5,
        modelProb: 0.3,
        samplingProb: 0.3,
      },
    ],
    tailMass: 0.2,
  }
}

/** A run that generates `ids` from `from` on, start to end. */
function run(runId: string, ids: number[], from: number): RunEvent[] {
  return [
    {
      runId,
      kind: 'started',
      prompt: [{ id: 1, text: 'A' }],
      forced: [],
      parts: { system: 0, history: 1, droppedMessages: 0, template: null },
      contextSize: 256,
      sampling: defaultSampling,
    },
    {
      runId,
      kind: 'tokens',
      tokens: ids.map((id, i) => token(id, from + i)),
      contextUsed: 1 + from + ids.length,
      stats,
    },
    {
      runId,
      kind: 'ended',
      reason: 'max-tokens',
      contextUsed: 1 + from + ids.length,
      stats: { ...stats, reusedPromptTokens: 1 + from, evaluatedTokens: ids.length },
    },
  ]
}

const reduce = (tree: BranchTree, ...actions: BranchAction[]) =>
  actions.reduce(branchTreeReducer, tree)

const root = reduce(
  emptyBranchTree,
  { type: 'rootRequested', runId: 'r', promptText: 'A', sampling: defaultSampling },
  { type: 'events', events: run('r', [10, 11, 12, 13, 14], 1) },
)

/** Branches at `position` of the active path with the step's listed alternative. */
function branch(tree: BranchTree, runId: string, position: number, continuation: number[]) {
  const step = pathTokens(tree, tree.activeId)[position]
  const alternative = step?.alternatives[1]
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
      sampling: defaultSampling,
    },
    { type: 'events', events: run(runId, continuation, step.position + 1) },
  )
}

const ids = (tree: BranchTree) => pathTokens(tree, tree.activeId).map((t) => t.id)

describe('the branch tree', () => {
  it('holds the root run and its prompt', () => {
    expect(ids(root)).toEqual([10, 11, 12, 13, 14])
    expect(root.prompt).toEqual([{ id: 1, text: 'A' }])
    expect(root.nodes.r?.status).toBe('ended')
    expect(divergences(root)).toEqual([])
    expect(isBranchRunning(root)).toBe(false)
  })

  it('appends a batch without copying the tokens before it', () => {
    const [started, batch] = run('long', [], 0)
    if (!started || batch?.kind !== 'tokens') throw new Error('no events')
    const tokensEvent = (from: number, count: number): RunEvent => ({
      ...batch,
      tokens: Array.from({ length: count }, (_, i) => token(100 + from + i, from + i)),
    })
    let tree = reduce(
      emptyBranchTree,
      { type: 'rootRequested', runId: 'long', promptText: 'A', sampling: defaultSampling },
      { type: 'events', events: [started, tokensEvent(0, 200)] },
    )
    const before = tree.nodes.long?.tokens
    tree = reduce(tree, { type: 'events', events: [tokensEvent(200, 8)] })
    const after = tree.nodes.long?.tokens
    // Every full chunk is the same object: only the open tail was copied.
    expect(after?.map((chunk) => chunk.length)).toEqual([64, 64, 64, 16])
    after?.slice(0, 3).forEach((chunk, i) => expect(chunk).toBe(before?.[i]))
    expect(pathTokens(tree, 'long')).toHaveLength(208)
  })

  it('adds a branch: kept prefix, the picked alternative, then the new tokens', () => {
    expect(forcedTokensFor(root, 2, 902)).toEqual([10, 11, 902])
    const tree = branch(root, 'b', 2, [20, 21])
    expect(tree.activeId).toBe('b')
    expect(ids(tree)).toEqual([10, 11, 902, 20, 21])
    const first = pathTokens(tree, 'b')[2]
    expect(first).toMatchObject({ id: 902, position: 3, rank: 2, modelProb: 0.3, tailMass: 0.2 })
    expect(lineage(tree, 'b').map((n) => n.id)).toEqual(['r', 'b'])
    expect(tree.nodes.b?.stats?.reusedPromptTokens).toBe(5)
    // The original path is untouched.
    expect(pathTokens(tree, 'r').map((t) => t.id)).toEqual([10, 11, 12, 13, 14])
  })

  it('finds siblings and the divergence position, with the one shown', () => {
    let tree = branch(root, 'b', 2, [20, 21])
    tree = reduce(tree, { type: 'activated', id: 'r' })
    tree = branch(tree, 'c', 2, [30])
    expect(siblingsAt(tree, 2).map((n) => n.id)).toEqual(['r', 'b', 'c'])
    expect(divergences(tree)).toEqual([{ position: 2, index: 2, count: 3 }])
    tree = reduce(tree, { type: 'activated', id: 'r' })
    expect(divergences(tree)).toEqual([{ position: 2, index: 0, count: 3 }])
  })

  it('switches between siblings with ‹ ›, wrapping around', () => {
    let tree = branch(root, 'b', 2, [20, 21])
    expect(divergences(tree)).toEqual([{ position: 2, index: 1, count: 2 }])
    tree = reduce(tree, { type: 'switched', position: 2, delta: 1 })
    expect(tree.activeId).toBe('r')
    expect(ids(tree)).toEqual([10, 11, 12, 13, 14])
    tree = reduce(tree, { type: 'switched', position: 2, delta: -1 })
    expect(tree.activeId).toBe('b')
    expect(reduce(tree, { type: 'switched', position: 4, delta: 1 })).toBe(tree)
  })

  it('nests branches and hangs each one where its prefix is shared', () => {
    let tree = branch(root, 'b', 2, [20, 21, 22])
    tree = branch(tree, 'd', 4, [40])
    expect(ids(tree)).toEqual([10, 11, 902, 20, 904, 40])
    expect(tree.nodes.d?.parentId).toBe('b')
    expect(divergences(tree).map((d) => d.position)).toEqual([2, 4])
    // Branching again before b's start, while d is shown, hangs the branch on the root.
    tree = branch(tree, 'e', 1, [50])
    expect(tree.nodes.e?.parentId).toBe('r')
    expect(ids(tree)).toEqual([10, 901, 50])
    // Back to the root's path: the divergences at 1 and 2 show, d's does not.
    tree = reduce(tree, { type: 'activated', id: 'r' })
    expect(divergences(tree)).toEqual([
      { position: 1, index: 0, count: 2 },
      { position: 2, index: 0, count: 2 },
    ])
  })

  it('knows a pick that already has a branch, so it is shown instead of generated again', () => {
    const tree = branch(root, 'b', 2, [20])
    expect(existingBranch(tree, 2, 902)).toBe('b')
    expect(existingBranch(tree, 2, 12)).toBe('r')
    expect(existingBranch(tree, 2, 777)).toBeNull()
  })

  it('tracks a running branch, its failure, and ignores other runs’ events', () => {
    const step = pathTokens(root, 'r')[1]!
    let tree = reduce(root, {
      type: 'branchRequested',
      runId: 'f',
      parentId: 'r',
      forkAt: 1,
      first: forcedToken(step, step.alternatives[1]!),
      sampling: defaultSampling,
    })
    expect(isBranchRunning(tree)).toBe(true)
    const error = { code: 'engine-unavailable', message: 'gone' } as const
    tree = reduce(tree, { type: 'requestFailed', runId: 'f', error })
    expect(tree.nodes.f?.status).toBe('failed')
    expect(reduce(tree, { type: 'events', events: run('other', [1], 0) })).toBe(tree)
  })

  it('is plain data: a JSON round trip loads the same tree', () => {
    const tree = branch(branch(root, 'b', 2, [20]), 'd', 3, [40])
    const copy = JSON.parse(JSON.stringify(tree)) as BranchTree
    const loaded = reduce(emptyBranchTree, { type: 'loaded', tree: copy })
    expect(loaded).toEqual(tree)
    expect(divergences(loaded)).toEqual(divergences(tree))
  })
})

describe('chunks of the shown path', () => {
  it('reuses every chunk whose tokens did not change, so only the tail renders again', () => {
    const items = Array.from({ length: 150 }, (_, i) => token(i, i))
    const first = stableChunks([], items)
    expect(first.map((c) => c.length)).toEqual([64, 64, 22])
    const grown = stableChunks(first, [...items, token(150, 150)])
    expect(grown[0]).toBe(first[0])
    expect(grown[1]).toBe(first[1])
    expect(grown[2]).not.toBe(first[2])
    expect(grown[2]).toHaveLength(23)
    const changed = stableChunks(grown, [token(999, 0), ...items.slice(1)])
    expect(changed[0]).not.toBe(grown[0])
    expect(changed[1]).toBe(grown[1])
  })
})

describe('Continue', () => {
  const continued = reduce(
    root,
    {
      type: 'branchRequested',
      runId: 'c',
      parentId: 'r',
      forkAt: 5,
      first: null,
      sampling: defaultSampling,
    },
    { type: 'events', events: run('c', [15, 16], 6) },
  )

  it('adds a child that starts at the end of the path, so the path grows', () => {
    expect(pathTokens(continued, 'c').map((t) => t.id)).toEqual([10, 11, 12, 13, 14, 15, 16])
    expect(isContinuation(continued, continued.nodes.c!)).toBe(true)
    const forked = branch(root, 'b', 2, [40, 41])
    expect(isContinuation(forked, forked.nodes.b!)).toBe(false)
    expect(continueBlocker(continued)).toBeNull()
  })

  it('is refused while running, after the end-of-text token, on a full context, and with no text', () => {
    expect(continueBlocker(emptyBranchTree)).toMatch(/Generate/)
    const running = reduce(root, {
      type: 'branchRequested',
      runId: 'c',
      parentId: 'r',
      forkAt: 5,
      first: null,
      sampling: defaultSampling,
    })
    expect(continueBlocker(running)).toMatch(/Wait/)
    const ended = (reason: 'end-of-generation' | 'context-full') => ({
      ...root,
      nodes: { ...root.nodes, r: { ...root.nodes.r!, stopReason: reason } },
    })
    expect(continueBlocker(ended('end-of-generation'))).toMatch(/end-of-text/)
    expect(continueBlocker(ended('context-full'))).toMatch(/full/)
  })
})
