import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEndpointStore, normaliseBaseUrl } from '../../src/main/remote/endpoint-store'
import { completionEntries, readEntry, tokenFromEntry } from '../../src/main/remote/logprob-tokens'
import { readModelList } from '../../src/main/remote/remote-engines'
import { readLimitedText, serverMessage, statusError } from '../../src/main/remote/remote-http'
import { createSseParser, maxEventChars } from '../../src/main/remote/sse-parser'
import { readStreamChunk } from '../../src/main/remote/stream-chunk'

describe('the SSE parser', () => {
  it('reads events split anywhere, CRLF or LF, comments and other fields ignored', () => {
    const body =
      ': hello\r\nevent: message\r\ndata: {"a":1}\r\n\r\ndata: {"b":\ndata: 2}\n\ndata: [DONE]\n\n'
    for (let cut = 1; cut < body.length; cut++) {
      const parser = createSseParser()
      const events = [...parser.push(body.slice(0, cut)), ...parser.push(body.slice(cut))]
      expect(events).toEqual(['{"a":1}', '{"b":\n2}', '[DONE]'])
      expect(parser.end()).toBeNull()
    }
  })

  it('gives an event the body ended in without its blank line', () => {
    const parser = createSseParser()
    expect(parser.push('data: {"x":1}')).toEqual([])
    expect(parser.end()).toBe('{"x":1}')
  })

  it('refuses an event that never ends instead of filling memory', () => {
    const parser = createSseParser()
    expect(() => parser.push(`data: ${'x'.repeat(maxEventChars)}`)).toThrow(/longer than/)
  })
})

const entry = {
  token: ' the',
  logprob: Math.log(0.5),
  top_logprobs: [
    { token: ' a', logprob: Math.log(0.2) },
    { token: ' the', logprob: Math.log(0.5) },
    { token: ' an', logprob: Math.log(0.1) },
  ],
}

describe('log-probabilities as chips', () => {
  it('puts a model probability where it belongs and marks the rest not reported', () => {
    const token = tokenFromEntry(readEntry(entry)!, 'model', 7)
    expect(token.modelProb).toBeCloseTo(0.5, 12)
    expect(token.rank).toBe(1)
    expect(token.position).toBe(7)
    expect(token.alternatives.map((a) => a.text)).toEqual([' the', ' a', ' an'])
    expect(token.alternatives[1]!.modelProb).toBeCloseTo(0.2, 12)
    expect(token.tailMass).toBeCloseTo(0.2, 12)
    expect(token.reported).toEqual({
      modelProb: true,
      samplingProb: false,
      entropy: false,
      rank: true,
      alternatives: 3,
      tokenId: false,
    })
  })

  it('reads post-sampling probabilities as sampling probabilities, never as model ones', () => {
    const token = tokenFromEntry(readEntry(entry)!, 'sampling', 0)
    expect(token.samplingProb).toBeCloseTo(0.5, 12)
    expect(token.modelProb).toBe(0)
    expect(token.reported).toMatchObject({ modelProb: false, samplingProb: true })
  })

  it('says when the chosen token is outside the head, and keeps llama-server’s ids', () => {
    const token = tokenFromEntry(
      readEntry({
        ...entry,
        token: ' zebra',
        id: 42,
        top_logprobs: [{ token: ' a', logprob: -1, id: 3 }],
      })!,
      'model',
      0,
    )
    expect(token.reported).toMatchObject({ rank: false, tokenId: true })
    expect(token.rank).toBe(2)
    expect(token.id).toBe(42)
    expect(token.alternatives[0]!.id).toBe(3)
  })

  it('refuses entries that are not log-probabilities', () => {
    expect(readEntry(null)).toBeNull()
    expect(readEntry({ token: 'a', logprob: 0.5, top_logprobs: [] })).toBeNull()
    expect(readEntry({ token: 'a', logprob: 'x' })).toBeNull()
    expect(
      readEntry({ token: 'a', logprob: -1, top_logprobs: [{ token: 1 }, 'x'] })?.top_logprobs,
    ).toEqual([])
  })

  it('reads the completion format', () => {
    const entries = completionEntries({
      tokens: [' a', ' b'],
      token_logprobs: [-0.1, -2],
      top_logprobs: [{ ' a': -0.1, ' c': -3 }, null],
    })
    expect(entries?.map((e) => [e.token, e.top_logprobs.length])).toEqual([
      [' a', 2],
      [' b', 0],
    ])
    expect(completionEntries({ tokens: [' a'], token_logprobs: [null] })).toBeNull()
  })
})

describe('stream chunks', () => {
  const chat = (delta: object, logprobs: object | null, finish: string | null = null) =>
    JSON.stringify({ choices: [{ index: 0, delta, logprobs, finish_reason: finish }] })

  it('reads content and reasoning tokens in order', () => {
    const chunk = readStreamChunk(
      chat(
        { content: ' the' },
        { content: [entry], reasoning_content: [{ ...entry, token: 'hm' }] },
      ),
      'chat',
    )
    expect(chunk.entries.map((e) => [e.entry.token, e.thought])).toEqual([
      ['hm', true],
      [' the', false],
    ])
  })

  it('reads llama-server’s shapes: a thought’s tokens under content, and the chat format on /v1/completions', () => {
    const thinking = readStreamChunk(
      chat({ reasoning_content: 'hm' }, { content: [entry] }),
      'chat',
    )
    expect(thinking.entries.map((e) => e.thought)).toEqual([true])
    const answer = readStreamChunk(chat({ content: ' the' }, { content: [entry] }), 'chat')
    expect(answer.entries.map((e) => e.thought)).toEqual([false])
    const completion = JSON.stringify({
      choices: [{ index: 0, text: ' the', logprobs: { content: [entry] }, finish_reason: null }],
    })
    expect(readStreamChunk(completion, 'completion')).toMatchObject({
      hasText: true,
      unreadable: false,
      entries: [{ entry: { token: entry.token }, thought: false }],
    })
  })

  it('sees text without log-probabilities', () => {
    expect(readStreamChunk(chat({ content: 'hi' }, null), 'chat')).toMatchObject({
      hasText: true,
      entries: [],
    })
    expect(readStreamChunk(chat({ role: 'assistant', content: '' }, null), 'chat').hasText).toBe(
      false,
    )
  })

  it('reads the finish reason, usage and errors, and never throws on junk', () => {
    expect(readStreamChunk(chat({}, null, 'length'), 'chat').finish).toBe('length')
    expect(
      readStreamChunk('{"choices":[],"usage":{"prompt_tokens":12}}', 'chat').promptTokens,
    ).toBe(12)
    expect(readStreamChunk('{"error":{"message":"boom"}}', 'chat').error).toBe('boom')
    for (const junk of ['', 'nope', '[]', 'null', '{"choices":[{"logprobs":{"content":[1]}}]}'])
      expect(
        readStreamChunk(junk, 'chat').unreadable ||
          readStreamChunk(junk, 'chat').entries.length === 0,
      ).toBe(true)
  })
})

describe('endpoints', () => {
  it('updates an address saved again (a second click on Add) instead of listing it twice', async () => {
    const store = createEndpointStore(mkdtempSync(join(tmpdir(), 'endpoints-')), () => undefined)
    const first = await store.add('gpu-box:8080', 'old-key', 'model')
    const again = await store.add('http://gpu-box:8080/v1/', 'new-key', 'model')
    expect(again.id).toBe(first.id)
    expect(await store.list()).toEqual([{ ...first, key: 'new-key' }])
  })

  it('keeps the saved key when the same address is added again without one', async () => {
    const store = createEndpointStore(mkdtempSync(join(tmpdir(), 'endpoints-')), () => undefined)
    const first = await store.add('gpu-box:8080', 'secret-key', 'model')
    await store.add('gpu-box:8080', null, 'sampling')
    expect(await store.list()).toEqual([{ ...first, probabilities: 'sampling' }])
  })

  it('normalises addresses to a /v1 base and refuses what is not http', () => {
    expect(normaliseBaseUrl('localhost:8080')).toBe('http://localhost:8080/v1')
    expect(normaliseBaseUrl('https://box.example/v1/')).toBe('https://box.example/v1')
    expect(normaliseBaseUrl('http://box:1/api/v1?x=1')).toBe('http://box:1/api/v1')
    expect(() => normaliseBaseUrl('file:///etc/passwd')).toThrow(/not supported/)
    expect(() => normaliseBaseUrl('http://user:pw@box/v1')).toThrow(/key field/)
    expect(() => normaliseBaseUrl('http://')).toThrow(/not a web address/)
  })

  it('reads model lists and skips what is not a model', () => {
    expect(readModelList({ data: [{ id: 'm', owned_by: 'me' }, { id: 3 }, null] })).toEqual([
      { id: 'm', ownedBy: 'me' },
    ])
    expect(readModelList({ models: [] })).toBeNull()
  })

  it('words refusals for people', () => {
    const endpoint = { id: 'e', url: 'http://box:1/v1', key: 'k', probabilities: 'model' as const }
    expect(statusError(endpoint, 401, '{"error":{"message":"bad key"}}', null)).toMatchObject({
      code: 'remote-refused',
      message: expect.stringContaining('refused the key (401)'),
    })
    expect(
      statusError(
        endpoint,
        404,
        '{"error":{"message":"The model `x` does not exist.","code":"model_not_found"}}',
        'x',
      ).code,
    ).toBe('remote-model-unknown')
    expect(statusError(endpoint, 404, 'Not Found', null).message).toMatch(
      /no OpenAI-compatible API/,
    )
    expect(serverMessage('<html>oops</html>').message).toBe('<html>oops</html>')
  })
})

describe('reading what a server sends', () => {
  const body = (text: string) => new Response(text)

  it('reads a body up to its limit, refuses more, or keeps its start', async () => {
    expect(await readLimitedText(body('{"data":[]}'), 100)).toBe('{"data":[]}')
    await expect(readLimitedText(body('x'.repeat(200)), 100)).rejects.toThrow(/larger than 100/)
    expect((await readLimitedText(body('y'.repeat(200)), 100, 'cut')).startsWith('y')).toBe(true)
  })
})
