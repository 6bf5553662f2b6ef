import { describe, expect, it } from 'vitest'
import { readEntry, tokenFromEntry } from '../../src/main/remote/logprob-tokens'
import { remoteRequestBody } from '../../src/main/remote/remote-request'
import { readStreamChunk } from '../../src/main/remote/stream-chunk'
import { addRemoteEndpointSchema } from '../../src/shared/remote'
import { defaultSampling, generateRequestSchema } from '../../src/shared/schemas'

const request = (chat: boolean) =>
  generateRequestSchema.parse({
    runId: 'run-1',
    ...(chat
      ? { chat: { system: '', messages: [{ role: 'user', content: 'Hi' }] } }
      : { prompt: 'Hello' }),
    sampling: defaultSampling,
    maxTokens: 16,
    topN: 10,
  })

const bytes = (text: string) => [...new TextEncoder().encode(text)]

/** llama-server's chat chunk with `post_sampling_probs: true`: `prob` and `top_probs`, ids. */
const llamaServerPostSampling = JSON.stringify({
  choices: [
    {
      finish_reason: null,
      index: 0,
      delta: { content: ' Paris' },
      logprobs: {
        content: [
          {
            id: 12366,
            token: ' Paris',
            bytes: bytes(' Paris'),
            prob: 0.75,
            top_probs: [
              { id: 279, token: ' the', bytes: bytes(' the'), prob: 0.25 },
              { id: 12366, token: ' Paris', bytes: bytes(' Paris'), prob: 0.75 },
              { id: 264, token: ' a', bytes: bytes(' a'), prob: 0 },
            ],
          },
        ],
      },
    },
  ],
  created: 1764000000,
  id: 'chatcmpl-1',
  model: 'demo',
  object: 'chat.completion.chunk',
})

/**
 * vLLM's chat chunk: the OpenAI shape without ids; a token its processed log-probabilities
 * masked out comes as -9999.0 (how vLLM writes -inf in JSON).
 */
const vllmChunk = JSON.stringify({
  id: 'chatcmpl-2',
  object: 'chat.completion.chunk',
  created: 1764000000,
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  choices: [
    {
      index: 0,
      delta: { content: ' Paris' },
      logprobs: {
        content: [
          {
            token: ' Paris',
            logprob: Math.log(0.9),
            bytes: bytes(' Paris'),
            top_logprobs: [
              { token: ' Paris', logprob: Math.log(0.9), bytes: bytes(' Paris') },
              { token: ' the', logprob: Math.log(0.1), bytes: bytes(' the') },
              { token: ' a', logprob: -9999.0, bytes: bytes(' a') },
            ],
          },
        ],
      },
      finish_reason: null,
    },
  ],
})

/** vLLM's /v1/completions chunk: the legacy parallel lists. */
const vllmCompletionChunk = JSON.stringify({
  id: 'cmpl-3',
  object: 'text_completion',
  created: 1764000000,
  model: 'demo',
  choices: [
    {
      index: 0,
      text: ' Paris',
      logprobs: {
        text_offset: [0],
        token_logprobs: [Math.log(0.6)],
        tokens: [' Paris'],
        top_logprobs: [{ ' Paris': Math.log(0.6), ' the': Math.log(0.3) }],
      },
      finish_reason: null,
    },
  ],
})

/** Ollama's OpenAI-compatible chat chunk (0.12 and later): the OpenAI shape, no ids. */
const ollamaChunk = JSON.stringify({
  id: 'chatcmpl-4',
  object: 'chat.completion.chunk',
  created: 1764000000,
  model: 'llama3.2',
  system_fingerprint: 'fp_ollama',
  choices: [
    {
      index: 0,
      delta: { role: 'assistant', content: 'Hi' },
      finish_reason: null,
      logprobs: {
        content: [
          {
            token: 'Hi',
            logprob: Math.log(0.5),
            bytes: bytes('Hi'),
            top_logprobs: [
              { token: 'Hello', logprob: Math.log(0.3), bytes: bytes('Hello') },
              { token: 'Hi', logprob: Math.log(0.5), bytes: bytes('Hi') },
            ],
          },
        ],
      },
    },
  ],
})

const only = (data: string, kind: 'chat' | 'completion') => {
  const chunk = readStreamChunk(data, kind)
  expect(chunk.unreadable).toBe(false)
  expect(chunk.entries).toHaveLength(1)
  return chunk.entries[0]!.entry
}

describe('an endpoint whose log-probabilities are taken after sampling', () => {
  it('can be added, and raw model probabilities stay the default', () => {
    expect(addRemoteEndpointSchema.parse({ url: 'http://x/v1' }).probabilities).toBe('model')
    const after = addRemoteEndpointSchema.parse({ url: 'http://x/v1', probabilities: 'sampling' })
    expect(after.probabilities).toBe('sampling')
    expect(addRemoteEndpointSchema.safeParse({ url: 'x', probabilities: 'both' }).success).toBe(
      false,
    )
  })

  it('asks llama-server for post-sampling probabilities only when the endpoint says so', () => {
    for (const chat of [true, false]) {
      expect(remoteRequestBody(request(chat), 'm', 'sampling').body).toMatchObject({
        post_sampling_probs: true,
      })
      expect(remoteRequestBody(request(chat), 'm', 'model').body).not.toHaveProperty(
        'post_sampling_probs',
      )
    }
  })

  it('sends the repeat penalty and its window under llama-server’s names', () => {
    const penalised = generateRequestSchema.parse({
      ...request(false),
      sampling: { ...defaultSampling, repeatPenalty: 1.2, penaltyWindow: 32 },
    })
    expect(remoteRequestBody(penalised, 'm').body).toMatchObject({
      repeat_penalty: 1.2,
      repeat_last_n: 32,
    })
    expect(remoteRequestBody(request(false), 'm').body).not.toHaveProperty('repeat_penalty')
  })

  it('reads llama-server’s prob and top_probs as sampling probabilities, the model’s unmeasured', () => {
    const token = tokenFromEntry(only(llamaServerPostSampling, 'chat'), 'sampling', 3)
    expect(token.id).toBe(12366)
    expect(token.samplingProb).toBeCloseTo(0.75, 12)
    expect(token.modelProb).toBe(0)
    expect(token.rank).toBe(1)
    expect(token.alternatives.map((a) => [a.text, a.samplingProb, a.modelProb])).toEqual([
      [' Paris', expect.closeTo(0.75, 12), 0],
      [' the', expect.closeTo(0.25, 12), 0],
      // Cut by the server's sampler: a measured 0, shown as "cut".
      [' a', 0, 0],
    ])
    expect(token.tailMass).toBeCloseTo(0, 12)
    expect(token.reported).toEqual({
      modelProb: false,
      samplingProb: true,
      entropy: false,
      rank: true,
      alternatives: 3,
      tokenId: true,
    })
  })

  it('refuses probabilities sent under logprob instead of guessing what they are', () => {
    const raw = llamaServerPostSampling.replaceAll('"prob":', '"logprob":')
    expect(readStreamChunk(raw, 'chat').unreadable).toBe(true)
  })

  it('refuses a prob outside 0–1 and an entry with neither prob nor logprob', () => {
    expect(readEntry({ token: 'a', prob: 1.5, top_probs: [] })).toBeNull()
    expect(readEntry({ token: 'a', top_probs: [] })).toBeNull()
    expect(readEntry({ token: 'a', prob: 0.5, top_probs: [{ token: 'b', prob: -1 }] })).toEqual({
      token: 'a',
      logprob: Math.log(0.5),
      bytes: null,
      top_logprobs: [],
    })
  })
})

describe('other servers’ chunks, from their documented formats', () => {
  it('vLLM chat: raw log-probabilities by default, -9999 as a probability of 0', () => {
    const token = tokenFromEntry(only(vllmChunk, 'chat'), 'model', 0)
    expect(token.modelProb).toBeCloseTo(0.9, 12)
    expect(token.alternatives.map((a) => a.text)).toEqual([' Paris', ' the', ' a'])
    expect(token.alternatives[2]!.modelProb).toBe(0)
    expect(token.reported).toMatchObject({ modelProb: true, samplingProb: false, tokenId: false })
  })

  it('vLLM chat with logprobs_mode=processed_logprobs: the same shape, read as sampling', () => {
    const token = tokenFromEntry(only(vllmChunk, 'chat'), 'sampling', 0)
    expect(token.samplingProb).toBeCloseTo(0.9, 12)
    expect(token.modelProb).toBe(0)
    expect(token.alternatives[1]!.samplingProb).toBeCloseTo(0.1, 12)
    expect(token.reported).toMatchObject({ modelProb: false, samplingProb: true })
  })

  it('vLLM completions: the parallel lists', () => {
    const token = tokenFromEntry(only(vllmCompletionChunk, 'completion'), 'sampling', 0)
    expect(token.samplingProb).toBeCloseTo(0.6, 12)
    expect(token.alternatives.map((a) => a.text)).toEqual([' Paris', ' the'])
    expect(token.tailMass).toBeCloseTo(0.1, 12)
  })

  it('Ollama chat: the OpenAI shape without ids; the chosen token found by its text', () => {
    const token = tokenFromEntry(only(ollamaChunk, 'chat'), 'model', 0)
    expect(token.text).toBe('Hi')
    expect(token.modelProb).toBeCloseTo(0.5, 12)
    expect(token.rank).toBe(1)
    expect(token.alternatives.map((a) => a.text)).toEqual(['Hi', 'Hello'])
    expect(token.reported).toMatchObject({ rank: true, tokenId: false, alternatives: 2 })
  })
})
