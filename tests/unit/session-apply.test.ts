import { describe, expect, it } from 'vitest'
import {
  conversationReducer,
  replyText,
  type ConversationAction,
} from '../../src/shared/conversation'
import { completionPathTokens } from '../../src/shared/completion-tree'
import { toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import { applyIntents, applyStoredIntents } from '../../src/shared/session-apply'
import { parseUpdateSessionRequest } from '../../src/shared/session-intent-schema'
import { maxIntentsPerUpdate, type SessionIntent } from '../../src/shared/session-intents'
import type { SessionDocument } from '../../src/shared/sessions'
import { expandedDocument, storedDocument } from '../../src/shared/stored-document'
import { RunColumns } from '../../src/shared/token-columns'
import { emptyChat, fakeToken, promptOnlySession } from '../helpers/session-fixture'

const at = (minute: number) => `2026-11-22T11:${String(minute).padStart(2, '0')}:00.000Z`
const hostNow = '2026-11-22T12:00:00.000Z'
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return toAppError(error)
  }
  return null
}

describe('applying session intents', () => {
  it('gives the same document as the UI reducer for the same chat actions', () => {
    const actions: ConversationAction[] = [
      { type: 'sent', userId: 'u1', replyId: 'r1', text: '  What is a   token? ', now: at(1) },
      { type: 'regenerated', nodeId: 'r1', replyId: 'r2', now: at(2) },
      { type: 'switched', nodeId: 'r2', step: -1 },
      { type: 'sent', userId: 'u2', replyId: 'r3', text: 'And a logit?', now: at(3) },
      {
        type: 'edited',
        nodeId: 'u1',
        userId: 'u3',
        replyId: 'r4',
        text: 'Define token',
        now: at(4),
      },
      { type: 'switched', nodeId: 'u3', step: -1 },
      { type: 'systemChanged', system: 'Be brief.', now: at(5) },
      { type: 'renamed', title: `  ${'x'.repeat(300)}`, now: at(6) },
      { type: 'switched', nodeId: 'u1', step: 1 },
    ]
    const ui = actions.reduce(conversationReducer, emptyChat('c'))
    const host = applyIntents(emptyChat('c'), actions as SessionIntent[], hostNow)
    expect(host).toEqual(ui)
    expect(host.currentLeafId).toBe('r4')
    expect(host.title).toHaveLength(200)
    // The title rule: the first message, whitespace folded, at most 60 characters with '…'.
    const long = applyIntents(
      emptyChat('t'),
      [{ type: 'sent', userId: 'u', replyId: 'r', text: 'word '.repeat(30), now: at(1) }],
      hostNow,
    )
    expect(long.title).toHaveLength(60)
    expect(long.title.endsWith('…')).toBe(true)
  })

  it('records a reply: prompt, tokens in place, and its text from the tokens at the end', () => {
    let doc = applyIntents(
      emptyChat('c'),
      [{ type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) }],
      hostNow,
    )
    const target = { nodeId: 'r1' }
    const tokens = [
      { ...fakeToken(1), text: 'Hello', segment: undefined },
      { ...fakeToken(2), text: ' there' },
      { ...fakeToken(3), text: '<|im_end|>' },
    ].map(({ segment: _s, ...t }) => t)
    doc = applyIntents(
      doc,
      [
        { type: 'runStarted', target, prompt: [{ id: 1, text: 'Hi' }], sampling: defaultSampling },
        { type: 'tokensAdded', target, tokens: tokens.slice(0, 1) },
      ],
      hostNow,
    )
    const array = doc.nodes[1]!.run!.tokens
    expect(doc.nodes[1]!.run!.stopReason).toBe('cancelled')
    doc = applyIntents(doc, [{ type: 'tokensAdded', target, tokens: tokens.slice(1) }], hostNow)
    expect(doc.nodes[1]!.run!.tokens).toBe(array)
    doc = applyIntents(
      doc,
      [
        {
          type: 'runEnded',
          target,
          stopReason: 'end-of-generation',
          tokensPerSecond: 30,
          timeToFirstTokenMs: 12,
        },
      ],
      hostNow,
    )
    const reply = doc.nodes[1]!
    expect(reply.text).toBe('Hello there')
    expect(reply.text).toBe(replyText(tokens, 'end-of-generation'))
    expect(reply.run).toMatchObject({ tokensPerSecond: 30, timeToFirstTokenMs: 12 })
    expect(doc.updatedAt).toBe(hostNow)
  })

  it('branches a completion: the new node keeps the pick and what follows; its text leaves its parent at forkAt', () => {
    const base: SessionDocument = {
      ...promptOnlySession('b', 'Branching'),
      nodes: [
        ...promptOnlySession('b', '').nodes,
        {
          id: 'c1',
          parentId: 'p',
          role: 'completion',
          text: '',
          createdAt: at(0),
          run: {
            prompt: [{ id: 9, text: 'A token is' }],
            tokens: [0, 1, 2, 3].map((i) => fakeToken(i)),
            stopReason: 'max-tokens',
            sampling: { ...defaultSampling, seed: 7 },
            tokensPerSecond: 10,
            timeToFirstTokenMs: 1,
          },
        },
      ],
    }
    const pick = fakeToken(40)
    const target = { nodeId: 'c2' }
    const doc = applyIntents(
      base,
      [
        {
          type: 'nodeAdded',
          node: {
            id: 'c2',
            parentId: 'c1',
            role: 'completion',
            text: '',
            createdAt: at(5),
            origin: 'branch',
            forkAt: 2,
          },
          first: pick,
          now: at(5),
        },
        { type: 'leafShown', nodeId: 'c2' },
        // The engine's started event: the prompt again; the forced tokens are not added twice.
        {
          type: 'runStarted',
          target,
          prompt: [{ id: 9, text: 'A token is' }],
          sampling: defaultSampling,
        },
        { type: 'tokensAdded', target, tokens: [fakeToken(41)] },
        {
          type: 'runEnded',
          target,
          stopReason: 'max-tokens',
          tokensPerSecond: 5,
          timeToFirstTokenMs: 2,
        },
      ],
      hostNow,
    )
    const branch = doc.nodes.find((n) => n.id === 'c2')!
    // Only its own tokens: the kept prefix stays in the parent, stored once.
    expect(branch.run!.tokens).toEqual([pick, fakeToken(41)])
    expect(branch.run!.prompt).toEqual([{ id: 9, text: 'A token is' }])
    expect(branch.text).toBe(pick.text + fakeToken(41).text)
    expect(completionPathTokens(doc, 'c2')).toEqual([
      fakeToken(0),
      fakeToken(1),
      pick,
      fakeToken(41),
    ])
    expect(doc.currentLeafId).toBe('c2')
    expect(doc.nodes.find((n) => n.id === 'c1')!.run!.tokens).toHaveLength(4)
    // A continuation starts where its parent's text ends, with no token of its own yet.
    const continued = applyIntents(
      doc,
      [
        {
          type: 'nodeAdded',
          node: {
            id: 'c3',
            parentId: 'c2',
            role: 'completion',
            text: '',
            createdAt: at(6),
            origin: 'branch',
            forkAt: 4,
          },
        },
      ],
      hostNow,
    )
    expect(continued.nodes.find((n) => n.id === 'c3')!.run).toBeNull()
    const beyond = {
      type: 'nodeAdded' as const,
      node: {
        id: 'c4',
        parentId: 'c2',
        role: 'completion' as const,
        text: '',
        createdAt: at(6),
        forkAt: 5,
      },
    }
    expect(refusal(() => applyIntents(doc, [beyond], hostNow))?.message).toMatch(
      /Node c2's text has only 4 tokens/,
    )
  })

  it("reads a format-1 journal's branch (whole-path prefix, branchOf) as a node of the tree", () => {
    const base = applyIntents(
      promptOnlySession('b', 'Branching'),
      [
        {
          type: 'nodeAdded',
          node: {
            id: 'c1',
            parentId: 'p',
            role: 'completion',
            text: '',
            createdAt: at(1),
            origin: 'run',
          },
        },
        { type: 'runStarted', target: { nodeId: 'c1' }, prompt: [], sampling: defaultSampling },
        {
          type: 'tokensAdded',
          target: { nodeId: 'c1' },
          tokens: [0, 1, 2].map((i) => fakeToken(i)),
        },
      ],
      hostNow,
    )
    const pick = fakeToken(40)
    const doc = applyIntents(
      base,
      [
        {
          type: 'nodeAdded',
          node: {
            id: 'c2',
            parentId: 'p',
            role: 'completion',
            text: '',
            createdAt: at(5),
            origin: 'branch',
            branchOf: 'c1',
          },
          prefix: { fromNodeId: 'c1', count: 1, first: pick },
        },
      ],
      hostNow,
    )
    const branch = doc.nodes.find((n) => n.id === 'c2')!
    expect(branch).toMatchObject({ parentId: 'c1', forkAt: 1 })
    expect(branch).not.toHaveProperty('branchOf')
    expect(branch.run!.tokens).toEqual([pick])
    expect(completionPathTokens(doc, 'c2')).toEqual([fakeToken(0), pick])
  })

  it('branches a chat reply: the new version starts with the kept tokens and the pick', () => {
    const target = { nodeId: 'r1' }
    const chat = applyIntents(
      emptyChat('c'),
      [
        { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) },
        { type: 'runStarted', target, prompt: [{ id: 9, text: 'Hi' }], sampling: defaultSampling },
        { type: 'tokensAdded', target, tokens: [0, 1, 2, 3].map((i) => fakeToken(i)) },
        {
          type: 'runEnded',
          target,
          stopReason: 'max-tokens',
          tokensPerSecond: 5,
          timeToFirstTokenMs: 1,
        },
      ],
      hostNow,
    )
    const pick = fakeToken(40)
    const branchTarget = { nodeId: 'r2' }
    const doc = applyIntents(
      chat,
      [
        {
          type: 'regenerated',
          nodeId: 'r1',
          replyId: 'r2',
          now: at(2),
          prefix: { count: 2, first: pick },
        },
        {
          type: 'runStarted',
          target: branchTarget,
          prompt: [{ id: 9, text: 'Hi' }],
          sampling: defaultSampling,
        },
        { type: 'tokensAdded', target: branchTarget, tokens: [fakeToken(41)] },
        {
          type: 'runEnded',
          target: branchTarget,
          stopReason: 'max-tokens',
          tokensPerSecond: 5,
          timeToFirstTokenMs: 1,
        },
      ],
      hostNow,
    )
    const branch = doc.nodes.find((n) => n.id === 'r2')!
    expect(branch.parentId).toBe('u1')
    expect(branch.run!.tokens).toEqual([fakeToken(0), fakeToken(1), pick, fakeToken(41)])
    expect(doc.currentLeafId).toBe('r2')
    expect(doc.nodes.find((n) => n.id === 'r1')!.run!.tokens).toHaveLength(4)
    const tooLong = refusal(() =>
      applyIntents(
        chat,
        [
          {
            type: 'regenerated',
            nodeId: 'r1',
            replyId: 'r3',
            now: at(3),
            prefix: { count: 9, first: pick },
          },
        ],
        hostNow,
      ),
    )
    expect(tooLong?.message).toMatch(/has only 4 tokens/)
  })

  it('refuses intents that name what is not there, and changes nothing', () => {
    const doc = applyIntents(
      emptyChat('c'),
      [{ type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) }],
      hostNow,
    )
    const copy = structuredClone(doc)
    const cases: [SessionIntent, RegExp][] = [
      [{ type: 'leafShown', nodeId: 'nope' }, /no node nope/],
      [{ type: 'regenerated', nodeId: 'u1', replyId: 'x', now: at(2) }, /not a reply/],
      [
        { type: 'sent', userId: 'u1', replyId: 'x', text: 'again', now: at(2) },
        /u1 already exists/,
      ],
      [{ type: 'tokensAdded', target: { nodeId: 'r1' }, tokens: [fakeToken(1)] }, /no run/],
      [
        { type: 'runStarted', target: { nodeId: 'u1' }, prompt: [], sampling: defaultSampling },
        /user node/,
      ],
      [
        { type: 'runStarted', target: { column: 'c1' }, prompt: [], sampling: defaultSampling },
        /no column c1/,
      ],
      [
        {
          type: 'nodeAdded',
          node: { id: 'n', parentId: 'ghost', role: 'completion', text: '', createdAt: at(2) },
        },
        /no parent node ghost/,
      ],
      [{ type: 'created', document: emptyChat('c') }, /already exists/],
    ]
    for (const [intent, message] of cases) {
      expect(refusal(() => applyIntents(doc, [intent], hostNow))?.message).toMatch(message)
    }
    expect(doc).toEqual(copy)
  })

  it('ends a run that never started (its generate call failed) as failed', () => {
    const doc = applyIntents(
      emptyChat('c'),
      [
        { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) },
        {
          type: 'runEnded',
          target: { nodeId: 'r1' },
          stopReason: 'failed',
          tokensPerSecond: null,
          timeToFirstTokenMs: null,
          sampling: defaultSampling,
        },
      ],
      hostNow,
    )
    expect(doc.nodes[1]!.run).toMatchObject({ stopReason: 'failed', tokens: [], prompt: [] })
  })
})

describe("the host's columns", () => {
  const think = (i: number, text: string) => ({
    ...fakeToken(i),
    text,
    segment: 'thought' as const,
  })
  const plain = (i: number, text: string) => {
    const { segment: _s, ...t } = { ...fakeToken(i), text }
    return t
  }

  it('give the same document as token objects, for every intent that touches runs', () => {
    const target = { nodeId: 'r1' }
    // Thought first, then the answer; token 3 reuses id 100 with another text (kept apart).
    const tokens = [think(0, '<think>'), think(1, 'hm'), plain(2, ' Hi'), plain(50, 'odd')]
    const odd = { ...fakeToken(5), alternatives: [{ ...fakeToken(6).alternatives[0]!, text: '?' }] }
    const intents: SessionIntent[] = [
      { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) },
      { type: 'runStarted', target, prompt: [{ id: 1, text: 'Hi' }], sampling: defaultSampling },
      { type: 'tokensAdded', target, tokens: tokens.slice(0, 2) },
      { type: 'tokensAdded', target, tokens: [...tokens.slice(2), odd, plain(7, '<|im_end|>')] },
      {
        type: 'runEnded',
        target,
        stopReason: 'end-of-generation',
        tokensPerSecond: 3,
        timeToFirstTokenMs: 4,
      },
    ]
    const objects = applyIntents(emptyChat('c'), intents, hostNow)
    const stored = applyStoredIntents(storedDocument(emptyChat('c')), intents, hostNow)
    expect(expandedDocument(stored)).toEqual(objects)
    expect(objects.nodes[1]!.text).toBe('Hiodd' + fakeToken(5).text)
    const columns = stored.nodes[1]!.run!.tokens
    expect(columns).toBeInstanceOf(RunColumns)
    expect(columns.hasOddTexts).toBe(true)

    // A branch: the pick, in columns of its own (the kept prefix stays in its parent's).
    const completion = promptOnlySession('b', 'Branching')
    const c1 = { nodeId: 'c1' }
    const branchIntents: SessionIntent[] = [
      {
        type: 'nodeAdded',
        node: { id: 'c1', parentId: 'p', role: 'completion', text: '', createdAt: at(2) },
      },
      { type: 'runStarted', target: c1, prompt: [{ id: 9, text: 'A' }], sampling: defaultSampling },
      {
        type: 'tokensAdded',
        target: c1,
        tokens: Array.from({ length: 1000 }, (_, i) => fakeToken(i)),
      },
      {
        type: 'runEnded',
        target: c1,
        stopReason: 'max-tokens',
        tokensPerSecond: 1,
        timeToFirstTokenMs: 1,
      },
      {
        type: 'nodeAdded',
        node: {
          id: 'c2',
          parentId: 'c1',
          role: 'completion',
          text: '',
          createdAt: at(3),
          forkAt: 900,
        },
        first: fakeToken(77),
      },
    ]
    const branchObjects = applyIntents(completion, branchIntents, hostNow)
    const branchStored = applyStoredIntents(storedDocument(completion), branchIntents, hostNow)
    expect(expandedDocument(branchStored)).toEqual(branchObjects)
    expect(branchStored.nodes[2]!.run!.tokens).not.toBe(branchStored.nodes[1]!.run!.tokens)
    expect(branchStored.nodes[2]!.run!.tokens.length).toBe(1)
  })

  it('copy a prefix and undo an append across chunk boundaries', () => {
    const tokens = Array.from({ length: 9000 }, (_, i) => fakeToken(i, 2))
    const columns = RunColumns.from(tokens.slice(0, 4000))
    columns.push(tokens.slice(4000))
    expect(columns.length).toBe(9000)
    const prefix = columns.prefix(5000)
    prefix.push([fakeToken(1, 3)])
    expect(prefix.length).toBe(5001)
    expect(prefix.tokens(4090, 4100)).toEqual(tokens.slice(4090, 4100))
    expect(prefix.token(4999)).toEqual(tokens[4999])
    expect(prefix.token(5000)).toEqual(fakeToken(1, 3))
    expect(columns.token(5000)).toEqual(tokens[5000])
    columns.truncate(4097)
    columns.push([fakeToken(7, 1)])
    expect(columns.length).toBe(4098)
    expect(columns.altLength).toBe(4097 * 2 + 1)
    expect(columns.tokens(4095, 4098)).toEqual([tokens[4095], tokens[4096], fakeToken(7, 1)])
    expect(columns.vocabulary(4096, 4098).ids.sort()).toEqual(
      [
        ...new Set(
          [tokens[4096]!, fakeToken(7, 1)].flatMap((t) => [
            t.id,
            ...t.alternatives.map((a) => a.id),
          ]),
        ),
      ].sort(),
    )
  })

  it('undo an append when a later intent of the update is refused', () => {
    const target = { nodeId: 'r1' }
    let doc = applyStoredIntents(
      storedDocument(emptyChat('c')),
      [
        { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: at(1) },
        { type: 'runStarted', target, prompt: [], sampling: defaultSampling },
        { type: 'tokensAdded', target, tokens: [fakeToken(1)] },
      ],
      hostNow,
    )
    const heard: number[][] = []
    expect(
      refusal(() =>
        applyStoredIntents(
          doc,
          [
            { type: 'tokensAdded', target, tokens: [plain(2, 'other text for id 102')] },
            { type: 'leafShown', nodeId: 'missing' },
          ],
          hostNow,
          (_c, from, to) => heard.push([from, to]),
        ),
      )?.message,
    ).toMatch(/intents\.1/)
    expect(heard).toEqual([])
    const columns = doc.nodes[1]!.run!.tokens
    expect(columns.length).toBe(1)
    expect(columns.hasOddTexts).toBe(false)
    doc = applyStoredIntents(
      doc,
      [{ type: 'tokensAdded', target, tokens: [fakeToken(2)] }],
      hostNow,
      (_c, from, to) => heard.push([from, to]),
    )
    expect(heard).toEqual([[1, 2]])
    expect(columns.tokens()).toEqual([fakeToken(1), fakeToken(2)])
  })
})

describe('the updateSession request schema', () => {
  const parse = (input: unknown) => refusal(() => parseUpdateSessionRequest(input))

  it('names the field that is wrong', () => {
    expect(parse({ id: '../x', intents: [] })?.message).toMatch(/^Invalid session update: id:/)
    expect(parse({ id: 'a', intents: [{ type: 'nuked' }] })?.message).toMatch(/intents\.0/)
    expect(
      parse({ id: 'a', intents: [{ type: 'renamed', title: 'x', now: 'yesterday' }] })?.message,
    ).toMatch(/intents\.0\.now/)
    expect(
      parse({ id: 'a', intents: [{ type: 'created', document: emptyChat('b') }] })?.message,
    ).toMatch(/intents\.0\.document\.id: must be the session's id/)
    const tooMany = Array(maxIntentsPerUpdate + 1).fill({ type: 'leafShown', nodeId: 'n' })
    expect(parse({ id: 'a', intents: tooMany })?.message).toMatch(/intents/)
    const tokens = Array(5000).fill(fakeToken(1))
    expect(
      parse({ id: 'a', intents: [{ type: 'tokensAdded', target: { nodeId: 'n' }, tokens }] })
        ?.message,
    ).toMatch(/intents\.0\.tokens/)
    expect(
      parse({
        id: 'a',
        intents: [
          {
            type: 'tokensAdded',
            target: { nodeId: 'n' },
            tokens: [{ ...fakeToken(1), modelProb: 2 }],
          },
        ],
      })?.message,
    ).toMatch(/intents\.0\.tokens\.0\.modelProb/)
    expect(parse({ id: 'a', intents: [{ type: 'leafShown', nodeId: 'n' }] })).toBeNull()
  })
})
