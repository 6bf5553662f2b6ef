import { describe, expect, it } from 'vitest'
import type { SessionDocument, SessionNode } from '../../src/shared/sessions'
import { partsFromSavedRun } from '../../src/renderer/src/views/chat/saved-parts'

const at = '2025-01-01T00:00:00.000Z'
const sampling = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }

/** ChatML split the way a byte-level BPE might: markers whole, words as pieces. */
const pieces = (...texts: string[]) => texts.map((text, id) => ({ id, text }))
const turn = (role: string, ...words: string[]) => [
  '<|im_start|>',
  role,
  '\n',
  ...words,
  '<|im_end|>',
  '\n',
]

function chat(system: string, texts: string[], prompt: string[]): SessionDocument {
  const nodes: SessionNode[] = texts.map((text, i) => ({
    id: `n${i}`,
    parentId: i === 0 ? null : `n${i - 1}`,
    role: i % 2 === 0 ? 'user' : 'assistant',
    text,
    run: null,
    createdAt: at,
  }))
  const reply: SessionNode = {
    id: 'reply',
    parentId: nodes.at(-1)?.id ?? null,
    role: 'assistant',
    text: 'ok',
    run: {
      prompt: pieces(...prompt),
      tokens: [],
      stopReason: 'end-of-generation',
      sampling,
      tokensPerSecond: null,
      timeToFirstTokenMs: null,
    },
    createdAt: at,
  }
  return {
    schemaVersion: 3,
    id: 's',
    title: '',
    kind: 'chat',
    createdAt: at,
    updatedAt: at,
    system,
    model: null,
    settings: { sampling, maxTokens: 64, topN: 10 },
    nodes: [...nodes, reply],
    currentLeafId: 'reply',
  }
}

const reply = (doc: SessionDocument) => doc.nodes.find((n) => n.id === 'reply')!

describe('a reopened chat splits its saved prompts as the engine did', () => {
  it('counts the system turn with its markers, and the rest as history', () => {
    const systemTurn = turn('system', 'Be', ' brief', '.')
    const prompt = [
      ...systemTurn,
      ...turn('user', 'Hi', ' there'),
      '<|im_start|>',
      'assistant',
      '\n',
    ]
    const doc = chat('Be brief.', ['Hi there'], prompt)
    expect(partsFromSavedRun(doc, reply(doc))).toEqual({
      system: systemTurn.length,
      history: prompt.length - systemTurn.length,
      droppedMessages: 0,
      template: null,
    })
  })

  it('counts a role name of several tokens with its turn', () => {
    const systemTurn = [
      '<|im_start|>',
      's',
      'y',
      'stem',
      '\n',
      'Be',
      ' brief',
      '.',
      '<|im_end|>',
      '\n',
    ]
    const prompt = [...systemTurn, ...turn('user', 'Hi'), '<|im_start|>', 'assistant', '\n']
    const doc = chat('Be brief.', ['Hi'], prompt)
    expect(partsFromSavedRun(doc, reply(doc))?.system).toBe(systemTurn.length)
  })

  it('leaves a BOS token out of the system part, as an empty chat has it too', () => {
    const systemTurn = turn('system', 'Be', ' brief', '.')
    const prompt = ['<s>', ...systemTurn, ...turn('user', 'Hi'), '<|im_start|>', 'assistant', '\n']
    const doc = chat('Be brief.', ['Hi'], prompt)
    expect(partsFromSavedRun(doc, reply(doc))?.system).toBe(systemTurn.length)
  })

  it('finds the oldest messages that were left out', () => {
    const prompt = [...turn('user', 'third'), '<|im_start|>', 'assistant', '\n']
    const doc = chat('', ['first', 'second', 'third'], prompt)
    expect(partsFromSavedRun(doc, reply(doc))).toMatchObject({ system: 0, droppedMessages: 2 })
  })

  it('counts a system prompt changed since the reply as history', () => {
    const prompt = [...turn('system', 'Old'), ...turn('user', 'Hi'), '<|im_start|>']
    const doc = chat('New', ['Hi'], prompt)
    expect(partsFromSavedRun(doc, reply(doc))).toMatchObject({ system: 0, droppedMessages: 0 })
  })
})
