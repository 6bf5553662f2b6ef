import { describe, expect, it } from 'vitest'
import { defaultSampling } from '../../src/shared/schemas'
import { activePath } from '../../src/shared/session-export'
import { sessionDocumentSchema, type SessionDocument } from '../../src/shared/sessions'
import {
  chatMessagesBefore,
  conversationReducer,
  newSession,
  siblingsOf,
  titleFrom,
  type ConversationAction,
} from '../../src/renderer/src/sessions/conversation'
import {
  chatReducer,
  initialChatState,
  isLive,
} from '../../src/renderer/src/views/chat/chat-reducer'

const now = '2026-01-01T00:00:00.000Z'
const empty = newSession({
  id: 'chat-1',
  kind: 'chat',
  settings: { sampling: defaultSampling, maxTokens: 64, topN: 10 },
  model: null,
  now,
})

const apply = (doc: SessionDocument, ...actions: ConversationAction[]) =>
  actions.reduce(conversationReducer, doc)
const texts = (doc: SessionDocument) => activePath(doc).map((n) => `${n.role}:${n.text}`)
const reply = (nodeId: string, text: string): ConversationAction => ({
  type: 'replyFinished',
  nodeId,
  text,
  run: null,
  now,
})

/** Two turns: u1 → a1 → u2 → a2. */
const twoTurns = apply(
  empty,
  { type: 'sent', userId: 'u1', replyId: 'a1', text: 'What is a token?', now },
  reply('a1', 'A piece of text.'),
  { type: 'sent', userId: 'u2', replyId: 'a2', text: 'And top-p?', now },
  reply('a2', 'A sampler.'),
)

describe('conversation tree', () => {
  it('sends: a user message and an empty reply under the branch on screen; titles the chat', () => {
    const doc = apply(empty, {
      type: 'sent',
      userId: 'u1',
      replyId: 'a1',
      text: '  What is\na token? ',
      now,
    })
    expect(texts(doc)).toEqual(['user:  What is\na token? ', 'assistant:'])
    expect(doc.currentLeafId).toBe('a1')
    expect(doc.title).toBe('What is a token?')
    expect(texts(twoTurns)).toEqual([
      'user:What is a token?',
      'assistant:A piece of text.',
      'user:And top-p?',
      'assistant:A sampler.',
    ])
    expect(activePath(twoTurns).map((n) => n.parentId)).toEqual([null, 'u1', 'a1', 'u2'])
    expect(sessionDocumentSchema.safeParse(twoTurns).success).toBe(true)
  })

  it('asks the engine for every message before the reply, skipping replies that failed empty', () => {
    expect(chatMessagesBefore(twoTurns, 'a2')).toEqual([
      { role: 'user', content: 'What is a token?' },
      { role: 'assistant', content: 'A piece of text.' },
      { role: 'user', content: 'And top-p?' },
    ])
    const failed = apply(
      empty,
      { type: 'sent', userId: 'u1', replyId: 'a1', text: 'Hi', now },
      { type: 'sent', userId: 'u2', replyId: 'a2', text: 'Again', now },
    )
    expect(chatMessagesBefore(failed, 'a2')).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'user', content: 'Again' },
    ])
  })

  it('regenerates: a new sibling reply, the old one kept', () => {
    const doc = apply(twoTurns, { type: 'regenerated', nodeId: 'a2', replyId: 'a2b', now })
    expect(doc.currentLeafId).toBe('a2b')
    expect(siblingsOf(doc, 'a2b').map((n) => n.id)).toEqual(['a2', 'a2b'])
    expect(doc.nodes.find((n) => n.id === 'a2')?.text).toBe('A sampler.')
    expect(chatMessagesBefore(doc, 'a2b')).toEqual(chatMessagesBefore(twoTurns, 'a2'))
    // Only replies can be regenerated.
    expect(apply(twoTurns, { type: 'regenerated', nodeId: 'u2', replyId: 'x', now })).toBe(twoTurns)
  })

  it('edits and resends: a new branch from the edited message; the old continuation stays', () => {
    const doc = apply(
      twoTurns,
      {
        type: 'edited',
        nodeId: 'u1',
        userId: 'u1b',
        replyId: 'a1b',
        text: 'What is a logit?',
        now,
      },
      reply('a1b', 'A raw score.'),
    )
    expect(texts(doc)).toEqual(['user:What is a logit?', 'assistant:A raw score.'])
    expect(siblingsOf(doc, 'u1b').map((n) => n.id)).toEqual(['u1', 'u1b'])
    expect(chatMessagesBefore(doc, 'a1b')).toEqual([{ role: 'user', content: 'What is a logit?' }])
    // Nothing was deleted: the old branch is all there.
    expect(doc.nodes.map((n) => n.id)).toEqual(['u1', 'a1', 'u2', 'a2', 'u1b', 'a1b'])
    expect(doc.title).toBe('What is a token?')
  })

  it('switches between siblings and shows the newest branch below the one chosen', () => {
    const edited = apply(
      twoTurns,
      { type: 'regenerated', nodeId: 'a2', replyId: 'a2b', now },
      { type: 'edited', nodeId: 'u1', userId: 'u1b', replyId: 'a1b', text: 'Edited', now },
    )
    const back = apply(edited, { type: 'switched', nodeId: 'u1b', step: -1 })
    expect(back.currentLeafId).toBe('a2b')
    const older = apply(back, { type: 'switched', nodeId: 'a2b', step: -1 })
    expect(texts(older).at(-1)).toBe('assistant:A sampler.')
    const forth = apply(older, { type: 'switched', nodeId: 'u1', step: 1 })
    expect(forth.currentLeafId).toBe('a1b')
    // Past either end nothing changes.
    expect(apply(forth, { type: 'switched', nodeId: 'u1b', step: 1 })).toBe(forth)
    expect(apply(back, { type: 'switched', nodeId: 'u1', step: -1 })).toBe(back)
  })

  it('renames, changes the system prompt, and leaves the document alone when nothing changes', () => {
    const renamed = apply(twoTurns, { type: 'renamed', title: '  Sampling  ', now: 'later' })
    expect(renamed.title).toBe('Sampling')
    expect(renamed.updatedAt).toBe('later')
    expect(apply(renamed, { type: 'renamed', title: 'Sampling', now })).toBe(renamed)
    const system = apply(twoTurns, { type: 'systemChanged', system: 'Be brief.', now })
    expect(system.system).toBe('Be brief.')
    expect(apply(system, { type: 'systemChanged', system: 'Be brief.', now })).toBe(system)
  })

  it('titles long first messages with an ellipsis', () => {
    expect(titleFrom('x'.repeat(100))).toHaveLength(60)
    expect(titleFrom('x'.repeat(100)).endsWith('…')).toBe(true)
  })
})

describe('chat state', () => {
  it('tracks the reply being written and refuses a second one meanwhile', () => {
    let state = initialChatState(empty)
    state = chatReducer(state, {
      type: 'conversation',
      action: { type: 'sent', userId: 'u1', replyId: 'a1', text: 'Hi', now },
      runId: 'run-1',
    })
    expect(state.live).toEqual({ nodeId: 'a1', runId: 'run-1', docId: 'chat-1' })
    expect(isLive(state, 'a1')).toBe(true)
    const busy = chatReducer(state, {
      type: 'conversation',
      action: { type: 'sent', userId: 'u2', replyId: 'a2', text: 'Again', now },
      runId: 'run-2',
    })
    expect(busy).toBe(state)
    state = chatReducer(state, {
      type: 'promptReported',
      nodeId: 'a1',
      parts: { system: 0, history: 9, droppedMessages: 0, template: 'ChatML' },
      contextSize: 2048,
    })
    expect(state.contextSize).toBe(2048)
    state = chatReducer(state, { type: 'replyEnded', nodeId: 'a1', text: 'Hello', run: null, now })
    expect(state.live).toBeNull()
    expect(texts(state.doc)).toEqual(['user:Hi', 'assistant:Hello'])
  })

  it('opening another conversation keeps the streaming reply pointed at its own', () => {
    let state = chatReducer(initialChatState(empty), {
      type: 'conversation',
      action: { type: 'sent', userId: 'u1', replyId: 'a1', text: 'Hi', now },
      runId: 'run-1',
    })
    state = chatReducer(state, { type: 'opened', doc: { ...empty, id: 'other' } })
    expect(state.live?.docId).toBe('chat-1')
    expect(isLive(state, 'a1')).toBe(false)
    const ended = chatReducer(state, {
      type: 'replyEnded',
      nodeId: 'a1',
      text: 'x',
      run: null,
      now,
    })
    expect(ended.live).toBeNull()
    expect(ended.doc).toBe(state.doc)
  })
})
