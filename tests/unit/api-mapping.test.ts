import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/main/api/api-errors'
import { ChoiceText } from '../../src/main/api/choice-text'
import {
  defaultCompletionTokens,
  engineCall,
  planChat,
  planCompletion,
} from '../../src/main/api/request-mapping'
import {
  chatLogprobs,
  completionLogprobs,
  finishReasonOf,
  logprobOf,
} from '../../src/main/api/response-shapes'
import type { GeneratedToken } from '../../src/shared/contract'
import {
  defaultSampling,
  generateManyRequestSchema,
  generateRequestSchema,
  limits,
} from '../../src/shared/schemas'

let counter = 0
const context = { runId: () => `run-${++counter}`, randomSeed: () => 1234 }

/** The 400 a body gets, or a failure when it is accepted. */
function refusal(plan: () => unknown): ApiError {
  try {
    plan()
  } catch (error) {
    if (error instanceof ApiError) return error
    throw error
  }
  throw new Error('the request was accepted')
}

function token(text: string, modelProb: number, segment?: 'thought'): GeneratedToken {
  return {
    id: text.length,
    text,
    logit: 0,
    modelProb,
    samplingProb: modelProb,
    position: 0,
    rank: 1,
    entropyBits: 1,
    alternatives: [
      { id: 1, text, logit: 0, modelProb, samplingProb: modelProb },
      { id: 2, text: 'x', logit: -1, modelProb: 0.1, samplingProb: 0 },
      { id: 3, text: 'x', logit: -2, modelProb: 0.05, samplingProb: 0 },
      { id: 4, text: 'y', logit: -3, modelProb: 0, samplingProb: 0 },
    ],
    tailMass: 0,
    ...(segment ? { segment } : {}),
  }
}

describe('OpenAI completion requests as engine runs', () => {
  it('map every sampling field, with the app defaults (llama-server’s) for those left out', () => {
    const plan = planCompletion(
      {
        model: 'm',
        prompt: 'Hi',
        temperature: 0.3,
        top_p: 0.5,
        top_k: 7,
        min_p: 0.2,
        seed: 9,
        max_tokens: 40,
        logprobs: 3,
      },
      context,
    )
    expect(plan.runs).toHaveLength(1)
    expect(plan.runs[0]?.sampling).toEqual({
      temperature: 0.3,
      topP: 0.5,
      topK: 7,
      minP: 0.2,
      seed: 9,
    })
    const call = engineCall(plan)
    expect(call.many).toBe(false)
    expect(call.request).toMatchObject({ prompt: 'Hi', topN: 3, maxTokens: 40 })
    expect(generateRequestSchema.safeParse(call.request).success).toBe(true)

    const bare = planCompletion({ model: 'm', prompt: ['Hi'] }, context)
    expect(bare.runs[0]?.sampling).toEqual({ ...defaultSampling, seed: 1234 })
    expect(bare.maxTokens).toBe(defaultCompletionTokens)
    expect(bare.logprobs).toBeNull()
    expect(engineCall(bare).request.topN).toBe(1)
  })

  it('give n choices one batch, each with its own seed counting up', () => {
    const plan = planCompletion({ model: 'm', prompt: 'Hi', n: 3, seed: limits.seed }, context)
    const call = engineCall(plan)
    expect(call.many).toBe(true)
    if (!call.many) return
    expect(call.request.runs.map((run) => run.sampling.seed)).toEqual([limits.seed, 0, 1])
    expect(new Set(call.request.runs.map((run) => run.runId)).size).toBe(3)
    expect(generateManyRequestSchema.safeParse(call.request).success).toBe(true)
  })

  it('read n_probs (llama-server) as alternatives beyond OpenAI’s 20, up to the engine’s cap', () => {
    expect(planCompletion({ model: 'm', prompt: 'Hi', n_probs: 50 }, context).logprobs).toBe(50)
    expect(
      refusal(() => planCompletion({ model: 'm', prompt: 'Hi', logprobs: 21 }, context)).message,
    ).toMatch(/logprobs: at most 20; use n_probs/)
    expect(
      refusal(() => planCompletion({ model: 'm', prompt: 'Hi', n_probs: 51 }, context)).message,
    ).toMatch(/n_probs/)
  })

  it('refuse out-of-range and unsupported values with a readable 400', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ temperature: -1 }, /temperature: Too small/],
      [{ temperature: 'hot' }, /temperature: Invalid input: expected number/],
      [{ top_p: 1.5 }, /top_p: Too big/],
      [{ n: 5 }, /n: Too big/],
      [{ max_tokens: 0 }, /max_tokens: Too small/],
      [{ seed: 1.5 }, /seed: Invalid input: expected int/],
      [{ stop: ['a', 'b', 'c', 'd', 'e'] }, /stop/],
      [{ presence_penalty: 3 }, /presence_penalty: Too big/],
      [{ repeat_penalty: 0 }, /repeat_penalty: Too small/],
      [{ repeat_last_n: -1 }, /repeat_last_n: Too small/],
      [{ logit_bias: { '1': 5 } }, /logit_bias is not supported/],
      [{ echo: true }, /echo is not supported/],
      [{ prompt: ['a', 'b'] }, /give one prompt/],
      [{ prompt: '' }, /the prompt is empty/],
    ]
    for (const [change, message] of cases) {
      const error = refusal(() => planCompletion({ model: 'm', prompt: 'Hi', ...change }, context))
      expect(error.status).toBe(400)
      expect(error.body.error.type).toBe('invalid_request_error')
      expect(error.message).toMatch(message)
    }
    expect(refusal(() => planCompletion('text', context)).message).toMatch(/must be a JSON object/)
    const penalised = planCompletion(
      { model: 'm', prompt: 'Hi', presence_penalty: 0.5, frequency_penalty: -0.25 },
      context,
    )
    expect(penalised.runs[0]?.sampling).toMatchObject({
      presencePenalty: 0.5,
      frequencyPenalty: -0.25,
    })
    const repeated = planCompletion(
      { model: 'm', prompt: 'Hi', repeat_penalty: 1.3, repeat_last_n: 32 },
      context,
    )
    expect(repeated.runs[0]?.sampling).toMatchObject({ repeatPenalty: 1.3, penaltyWindow: 32 })
    // llama-server's "off" stays off: no second sampling is paid for it.
    const off = planCompletion({ model: 'm', prompt: 'Hi', repeat_penalty: 1 }, context)
    expect(off.runs[0]?.sampling.repeatPenalty).toBeUndefined()
    expect(refusal(() => planCompletion({ prompt: 'Hi' }, context)).body.error.param).toBe('model')
  })
})

describe('OpenAI chat requests as engine runs', () => {
  it('put leading system and developer messages into the system prompt and join text parts', () => {
    const plan = planChat(
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Be kind.' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hel' },
              { type: 'text', text: 'lo' },
            ],
          },
          { role: 'assistant', content: 'Hi' },
          { role: 'user', content: 'Bye' },
        ],
        logprobs: true,
        top_logprobs: 20,
      },
      context,
    )
    expect(plan.input).toEqual({
      chat: {
        system: 'Be brief.\n\nBe kind.',
        messages: [
          { role: 'user', content: 'Hello' },
          { role: 'assistant', content: 'Hi' },
          { role: 'user', content: 'Bye' },
        ],
      },
    })
    expect(plan.logprobs).toBe(20)
    expect(plan.maxTokens).toBe(limits.maxTokens)
    expect(generateRequestSchema.safeParse(engineCall(plan).request).success).toBe(true)
  })

  it('ask for alternatives only with logprobs: true, and take max_completion_tokens', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] }
    expect(planChat({ ...base, logprobs: true }, context).logprobs).toBe(0)
    expect(planChat({ ...base, logprobs: false }, context).logprobs).toBeNull()
    expect(planChat({ ...base, n_probs: 30 }, context).logprobs).toBe(30)
    expect(planChat({ ...base, max_completion_tokens: 5, max_tokens: 9 }, context).maxTokens).toBe(
      5,
    )
    expect(refusal(() => planChat({ ...base, top_logprobs: 3 }, context)).message).toMatch(
      /top_logprobs needs logprobs: true/,
    )
    expect(
      refusal(() => planChat({ ...base, logprobs: true, top_logprobs: 21 }, context)).message,
    ).toMatch(/at most 20 .*n_probs/)
  })

  it('refuse what the engine cannot render', () => {
    const user = { role: 'user', content: 'Hi' }
    const cases: [unknown[], RegExp][] = [
      [
        [user, { role: 'system', content: 'late' }],
        /messages\.1: a system message is only supported at the start/,
      ],
      [[{ role: 'system', content: 'alone' }], /no user or assistant message/],
      [[{ role: 'tool', content: 'x' }], /tool messages are not supported/],
      [
        [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }],
        /images are not supported/,
      ],
      [[], /messages is empty/],
    ]
    for (const [messages, message] of cases) {
      expect(refusal(() => planChat({ model: 'm', messages }, context)).message).toMatch(message)
    }
  })
})

describe('the text of a choice', () => {
  it('ends before the first stop sequence, holding back what could start one', () => {
    const text = new ChoiceText(['END', 'xyz'], false)
    const first = text.push([token('Hello E', 0.5)])
    expect(first.content).toBe('')
    const second = text.push([token('N', 0.5)])
    expect(second.content).toBe('')
    const third = text.push([token('Dless', 0.5), token('more', 0.5)])
    expect(third.content).toBe('Hello ')
    expect(third.contentTokens.map((t) => t.text)).toEqual(['Hello E'])
    expect(text.stopped).toBe(true)
    expect(text.push([token('after', 0.5)]).content).toBe('')
  })

  it('releases held text that turned out not to be a stop sequence', () => {
    const text = new ChoiceText(['END'], false)
    expect(text.push([token('a E', 0.5)]).content).toBe('')
    expect(text.push([token('x', 0.5)]).content).toBe('a Ex')
    expect(text.push([token(' EN', 0.5)]).content).toBe('')
    expect(text.finish(false).content).toBe(' EN')
  })

  it('splits reasoning from the answer and leaves out the end-of-turn token', () => {
    const text = new ChoiceText([], true)
    const delta = text.push([
      token('<think>', 0.9, 'thought'),
      token(' Hmm', 0.9, 'thought'),
      token(' ok', 0.9, 'thought'),
      token('</think>', 0.9, 'thought'),
      token('\n', 0.9, 'thought'),
      token('Answer', 0.9),
      token('<|im_end|>', 0.9),
    ])
    expect(delta.reasoning).toBe('Hmm ok')
    expect(delta.reasoningTokens).toHaveLength(5)
    expect(delta.content).toBe('Answer')
    const end = text.finish(true)
    expect(end.content).toBe('')
    expect(end.contentTokens).toHaveLength(0)
  })

  it('keeps an end-of-turn-looking token that did not end the run', () => {
    const text = new ChoiceText([], false)
    expect(text.push([token('<|im_end|>', 0.9)]).content).toBe('')
    expect(text.push([token('more', 0.9)]).content).toBe('<|im_end|>more')
  })
})

describe('log-probabilities in OpenAI’s shapes', () => {
  it('are ln(model probability), for the chosen token and each alternative', () => {
    const tokens = [token('A', 0.5), token('BB', 0.25)]
    const legacy = completionLogprobs(tokens, 3, 4)
    expect(legacy.tokens).toEqual(['A', 'BB'])
    expect(legacy.token_logprobs).toEqual([Math.log(0.5), Math.log(0.25)])
    expect(legacy.text_offset).toEqual([4, 5])
    // Two alternatives share the text "x": the likelier keeps the key.
    expect(legacy.top_logprobs[0]).toEqual({ A: Math.log(0.5), x: Math.log(0.1) })

    const chat = chatLogprobs(tokens, 4)
    expect(chat[1]?.logprob).toBe(Math.log(0.25))
    expect(chat[1]?.bytes).toEqual([66, 66])
    expect(chat[0]?.top_logprobs.map((t) => t.logprob)).toEqual([
      Math.log(0.5),
      Math.log(0.1),
      Math.log(0.05),
      -9999,
    ])
    expect(logprobOf(0)).toBe(-9999)
  })

  it('finish with OpenAI’s reasons', () => {
    expect(finishReasonOf('end-of-generation', false)).toBe('stop')
    expect(finishReasonOf('max-tokens', false)).toBe('length')
    expect(finishReasonOf('context-full', false)).toBe('length')
    expect(finishReasonOf('cancelled', true)).toBe('stop')
  })
})
