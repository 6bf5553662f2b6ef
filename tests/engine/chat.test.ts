import {
  isChatModelResponseSegment,
  LlamaChat,
  LlamaChatSession,
  resolveChatWrapper,
  type ChatHistoryItem,
  type LlamaModel,
} from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatInput } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'
import { engineLlama } from '../helpers/engine-llama'

let harness: EngineHarness
let model: LlamaModel
let oracle: Awaited<ReturnType<typeof loadOracle>>
const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }

beforeAll(async () => {
  harness = new EngineHarness()
  oracle = await loadOracle(demoModelPath)
  const llama = await engineLlama()
  model = await llama.loadModel({ modelPath: demoModelPath })
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(async () => {
  harness.stop()
  await model.dispose()
})

/** The tokens node-llama-cpp's own LlamaChat evaluates before it generates a reply. */
async function promptEvaluatedByLlamaChat(history: ChatHistoryItem[]): Promise<number[]> {
  const context = await model.createContext({ contextSize: 1024, threads: 1 })
  try {
    const sequence = context.getSequence()
    const chat = new LlamaChat({ contextSequence: sequence })
    const { lastEvaluation } = await chat.generateResponse(history, {
      maxTokens: 1,
      temperature: 0,
    })
    const evaluated = sequence.contextTokens
    chat.dispose()
    expect(lastEvaluation.contextWindow.length).toBeGreaterThan(0)
    // The one generated token is returned, not evaluated: the sequence holds just the prompt.
    return evaluated
  } finally {
    await context.dispose()
  }
}

/** A greedy reply from node-llama-cpp's LlamaChatSession: its thought segment and its answer. */
async function replyOfLlamaChat(chat: ChatInput, maxTokens: number) {
  const context = await model.createContext({ contextSize: 1024, threads: 1 })
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() })
    const history: ChatHistoryItem[] = [
      { type: 'system', text: chat.system ?? '' },
      ...chat.messages
        .slice(0, -1)
        .map((m): ChatHistoryItem =>
          m.role === 'user'
            ? { type: 'user', text: m.content }
            : { type: 'model', response: [m.content] },
        ),
    ]
    session.setChatHistory(history)
    const { response } = await session.promptWithMeta(chat.messages.at(-1)?.content ?? '', {
      temperature: 0,
      maxTokens,
    })
    session.dispose()
    const segment = response.find(isChatModelResponseSegment)
    const answer = response.filter((item) => typeof item === 'string').join('')
    return { thought: segment?.text ?? '', answer }
  } finally {
    await context.dispose()
  }
}

const twoTurns: ChatInput = {
  system: 'You explain how language models work.',
  messages: [
    { role: 'user', content: 'What is a token?' },
    { role: 'assistant', content: 'A token is a piece of text with an ID.' },
    { role: 'user', content: 'What is top-p?' },
  ],
}

describe('chat with the model’s own template', () => {
  it('tells the host while it matches the chat template, which blocks its event loop', async () => {
    const before = harness.statuses.length
    await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 1 })
    const blockedBy = harness.statuses.slice(before).map((s) => s.blockedBy)
    expect(blockedBy).toContain('Matching the chat template')
    expect(blockedBy.at(-1)).toBeNull()
    // Resolved once per loaded model: the next chat does not announce it again.
    const after = harness.statuses.length
    await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 1 })
    expect(harness.statuses.slice(after).map((s) => s.blockedBy)).not.toContain(
      'Matching the chat template',
    )
  })

  it('matches the template ahead of the first chat when asked to prepare one (Chat opened)', async () => {
    // Without a model there is nothing to prepare, and asking is no error.
    await harness.engine.unloadModel()
    await expect(harness.engine.prepareChat()).resolves.toBeUndefined()
    // A model loaded anew has not matched its template yet.
    await harness.engine.loadModel({ source: { kind: 'demo' } })
    const before = harness.statuses.length
    await harness.engine.prepareChat()
    expect(harness.statuses.slice(before).map((s) => s.blockedBy)).toContain(
      'Matching the chat template',
    )
    const after = harness.statuses.length
    await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 1 })
    expect(harness.statuses.slice(after).map((s) => s.blockedBy)).not.toContain(
      'Matching the chat template',
    )
  })

  it('renders the prompt exactly as node-llama-cpp’s chat evaluates it (the demo’s reasoning ChatML)', async () => {
    const run = await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 8 })
    const history: ChatHistoryItem[] = [
      { type: 'system', text: twoTurns.system ?? '' },
      { type: 'user', text: 'What is a token?' },
      { type: 'model', response: ['A token is a piece of text with an ID.'] },
      { type: 'user', text: 'What is top-p?' },
      { type: 'model', response: [] },
    ]
    const wrapper = resolveChatWrapper(model)
    const rendered = wrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(model.tokenizer)
    // The wrapper leaves <think> out; LlamaChat opens the thought itself, and so do we.
    const ids = run.started?.prompt.map((t) => t.id)
    expect(ids).toEqual([...rendered, model.tokenize('<think>', true)[0]])
    expect(ids).toEqual(await promptEvaluatedByLlamaChat(history))

    const chatml =
      '<|im_start|>system\nYou explain how language models work.<|im_end|>\n' +
      '<|im_start|>user\nWhat is a token?<|im_end|>\n' +
      '<|im_start|>assistant\nA token is a piece of text with an ID.<|im_end|>\n' +
      '<|im_start|>user\nWhat is top-p?<|im_end|>\n<|im_start|>assistant\n<think>'
    expect(ids).toEqual(model.tokenize(chatml, true))
    expect(run.started?.parts.template).toBe(wrapper.wrapperName)
    expect(run.started?.parts.droppedMessages).toBe(0)
  })

  it('marks the reasoning tokens as a thought, exactly where node-llama-cpp’s chat puts it', async () => {
    const run = await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 40 })
    const firstAnswer = run.tokens.findIndex((t) => t.segment !== 'thought')
    expect(firstAnswer).toBeGreaterThan(2)
    const thought = run.tokens.slice(0, firstAnswer)
    const answer = run.tokens.slice(firstAnswer)
    // node-llama-cpp's suffix is "</think>\n": the new line closes the thought, not the answer.
    expect(thought.slice(-2).map((t) => t.text)).toEqual(['</think>', '\n'])
    expect(answer.every((t) => t.segment === undefined)).toBe(true)

    const reference = await replyOfLlamaChat(twoTurns, 40)
    const thoughtText = thought.map((t) => t.text).join('')
    expect(thoughtText.replace('</think>\n', '')).toBe(reference.thought)
    const answerText = answer.map((t) => t.text).join('')
    expect(answerText.length).toBeGreaterThan(0)
    expect(reference.answer.startsWith(answerText.replace('<|im_end|>', ''))).toBe(true)
  })

  it('reports reply probabilities that match the oracle', async () => {
    const sampling = { temperature: 0.9, topK: 0, topP: 0.95, minP: 0, seed: 5 }
    const run = await harness.generate({ chat: twoTurns, sampling, maxTokens: 12 })
    let previous = run.started?.prompt.at(-1)?.id ?? -1
    for (const token of run.tokens) {
      const probs = oracle.probs(previous)
      for (const alternative of token.alternatives) {
        expect(
          Math.abs(alternative.modelProb - (probs[alternative.id] ?? NaN)),
        ).toBeLessThanOrEqual(1e-3)
      }
      previous = token.id
    }
  })

  it('splits the prompt into system and history for the context gauge', async () => {
    const run = await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 2 })
    const parts = run.started?.parts
    const systemOnly = model.tokenize(
      '<|im_start|>system\nYou explain how language models work.<|im_end|>\n',
      true,
    )
    expect(parts?.system).toBe(systemOnly.length)
    expect((parts?.system ?? 0) + (parts?.history ?? 0)).toBe(run.started?.prompt.length)
  })

  it('ends a reply at the end-of-turn token', async () => {
    const endings = []
    for (let seed = 1; seed <= 20; seed++) {
      const sampling = { temperature: 1, topK: 0, topP: 1, minP: 0, seed }
      endings.push(await harness.generate({ chat: twoTurns, sampling, maxTokens: 200 }))
    }
    const ended = endings.filter((run) => run.ended?.reason === 'end-of-generation')
    expect(ended.length).toBeGreaterThan(0)
    for (const run of ended) expect(run.tokens.at(-1)?.text).toMatch(/^<\|(im_end|endoftext)\|>$/)
  })
})

describe('a conversation longer than the context', () => {
  it('drops the oldest turns, keeps the system prompt, and says how many it dropped', async () => {
    const local = new EngineHarness()
    try {
      await local.engine.loadModel({ source: { kind: 'demo' }, contextSize: 256 })
      const messages: ChatInput['messages'] = []
      for (let i = 0; i < 30; i++) {
        messages.push({
          role: 'user',
          content: `Question ${i}: what does the context window hold?`,
        })
        messages.push({ role: 'assistant', content: `Answer ${i}: the tokens the model can see.` })
      }
      messages.push({ role: 'user', content: 'And the newest question?' })
      const run = await local.generate({
        chat: { system: 'Be brief.', messages },
        sampling: greedy,
        maxTokens: 32,
      })
      const parts = run.started?.parts
      expect(parts?.droppedMessages).toBeGreaterThan(0)
      expect(parts?.droppedMessages).toBeLessThan(messages.length)
      const prompt = run.started?.prompt.map((t) => t.text).join('') ?? ''
      expect(prompt.startsWith('<|im_start|>system\nBe brief.<|im_end|>')).toBe(true)
      expect(prompt).toContain('And the newest question?')
      expect(prompt).not.toContain('Question 0:')
      expect(run.started?.prompt.length).toBeLessThanOrEqual(255 - 32)
      expect(run.ended).not.toBeNull()
    } finally {
      local.stop()
    }
  })
})
