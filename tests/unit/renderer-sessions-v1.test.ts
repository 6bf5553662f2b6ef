import { describe, expect, it } from 'vitest'
import { treeFromSession } from '../../src/renderer/src/sessions/branches'
import { divergences, pathTokens } from '../../src/renderer/src/stores/branch-paths'
import { sessionFromJson } from '../../src/shared/session-export'
import saved from '../fixtures/sessions-v1/completion-v1.export.json'

// A Completion session exported by session format 1 (tests/fixtures/sessions-v1), whose branches
// each held their whole path: the view shows the same tree it showed then.

describe('a Completion session from format 1', () => {
  it('shows the tree the Completion view showed', () => {
    expect(saved.schemaVersion).toBe(1)
    const read = sessionFromJson(JSON.stringify(saved))
    if (!read.ok) throw new Error(read.message)
    const tree = treeFromSession(read.document)
    if (!tree) throw new Error('no tree')
    expect(tree.order).toEqual(['r1', 'b1', 'c1', 'g1'])
    expect(tree.activeId).toBe('c1')
    expect(tree.nodes.r1).toMatchObject({ parentId: null, forkAt: 0, origin: 'run' })
    expect(tree.nodes.b1).toMatchObject({ parentId: 'r1', forkAt: 3, origin: 'branch' })
    expect(tree.nodes.c1).toMatchObject({ parentId: 'b1', forkAt: 8, origin: 'branch' })
    expect(tree.nodes.g1).toMatchObject({ parentId: 'r1', forkAt: 0, origin: 'run' })
    for (const node of saved.nodes)
      if (node.run && node.id !== 'p')
        expect(pathTokens(tree, node.id).map((t) => t.id)).toEqual(node.run.tokens.map((t) => t.id))
    expect(divergences(tree)).toEqual([
      { position: 0, index: 0, count: 2 },
      { position: 3, index: 1, count: 2 },
      // The continuation: the branch as it ended, or continued.
      { position: 8, index: 1, count: 2 },
    ])
  })
})
