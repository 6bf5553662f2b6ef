import { getLlama, resolveChatWrapper, type ChatHistoryItem, type LlamaModel } from 'node-llama-cpp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatInput } from '../../src/shared/schemas'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'

let harness: EngineHarness
let model: LlamaModel
let oracle: Awaited<ReturnType<typeof loadOracle>>
const greedy = { temperature: 0, topK: 40, topP: 0.95, minP: 0.05, seed: 1 }

beforeAll(async () => {
  harness = new EngineHarness()
  oracle = await loadOracle(demoModelPath)
  const llama = await getLlama({ gpu: false, build: 'never' })
  model = await llama.loadModel({ modelPath: demoModelPath })
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(async () => {
  harness.stop()
  await model.dispose()
})

const twoTurns: ChatInput = {
  system: 'You explain how language models work.',
  messages: [
    { role: 'user', content: 'What is a token?' },
    { role: 'assistant', content: 'A token is a piece of text with an ID.' },
    { role: 'user', content: 'What is top-p?' },
  ],
}

describe('chat with the model’s own template', () => {
  it('renders the prompt exactly as node-llama-cpp’s chat wrapper does (ChatML for the demo model)', async () => {
    const run = await harness.generate({ chat: twoTurns, sampling: greedy, maxTokens: 8 })
    const history: ChatHistoryItem[] = [
      { type: 'system', text: twoTurns.system ?? '' },
      { type: 'user', text: 'What is a token?' },
      { type: 'model', response: ['A token is a piece of text with an ID.'] },
      { type: 'user', text: 'What is top-p?' },
      { type: 'model', response: [] },
    ]
    const wrapper = resolveChatWrapper(model)
    const expected = wrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(model.tokenizer)
    expect(run.started?.prompt.map((t) => t.id)).toEqual(expected)

    const chatml =
      '<|im_start|>system\nYou explain how language models work.<|im_end|>\n' +
      '<|im_start|>user\nWhat is a token?<|im_end|>\n' +
      '<|im_start|>assistant\nA token is a piece of text with an ID.<|im_end|>\n' +
      '<|im_start|>user\nWhat is top-p?<|im_end|>\n<|im_start|>assistant\n'
    // node-llama-cpp's ChatML wrapper opens with the model's BOS token.
    const bos = model.tokens.bos
    expect(run.started?.prompt.map((t) => t.id)).toEqual([bos, ...model.tokenize(chatml, true)])
    expect(run.started?.parts.template).toBe(wrapper.wrapperName)
    expect(run.started?.parts.droppedMessages).toBe(0)
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
      expect(prompt.startsWith('<|endoftext|><|im_start|>system\nBe brief.<|im_end|>')).toBe(true)
      expect(prompt).toContain('And the newest question?')
      expect(prompt).not.toContain('Question 0:')
      expect(run.started?.prompt.length).toBeLessThanOrEqual(255 - 32)
      expect(run.ended).not.toBeNull()
    } finally {
      local.stop()
    }
  })
})
