import { request as httpRequest } from 'node:http'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GeneratedToken, RunEvent } from '../../src/shared/contract'
import type { GenerateRequest } from '../../src/shared/schemas'
import { summarize } from '../helpers/engine-harness'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

/*
 * The official `openai` client (one we did not write) against `npm run serve -- --api` with the
 * demo model, and the same runs over the app's own WebSocket to check the numbers against.
 */

let serve: ServeProcess
let client: OpenAI
let bridge: Awaited<ReturnType<typeof connectBridge>>
const events: RunEvent[] = []
let runCounter = 0

beforeAll(async () => {
  serve = await startServe({ args: ['--api', '--api-port', '0', '--model', 'demo'] })
  if (!serve.api?.key) throw new Error(`serve printed no API address or key:\n${serve.output()}`)
  // Retries would hide the statuses under test.
  client = new OpenAI({ baseURL: serve.api.url, apiKey: serve.api.key, maxRetries: 0 })
  bridge = await connectBridge(serve)
  bridge.subscribe({ onRunEvent: (event) => events.push(event) })
})
afterAll(async () => {
  bridge?.disconnect()
  await serve?.stop()
})

/** The same run over the WebSocket, as the app's own UI makes it. */
async function runOverWebSocket(change: Omit<GenerateRequest, 'runId'>) {
  const runId = `ws-${++runCounter}`
  await bridge.generate({ runId, ...change })
  await expect
    .poll(() =>
      events.some((e) => e.runId === runId && (e.kind === 'ended' || e.kind === 'failed')),
    )
    .toBe(true)
  return summarize(events.filter((e) => e.runId === runId))
}

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5)

/** `logprob` of each alternative against ln(modelProb) of the engine's own. */
function expectAlternatives(
  reported: { token: string; logprob: number }[],
  engine: GeneratedToken,
  count: number,
) {
  const expected = engine.alternatives.slice(0, count)
  expect(reported.map((r) => r.token)).toEqual(expected.map((a) => a.text))
  reported.forEach((r, i) => close(r.logprob, Math.log(expected[i]?.modelProb ?? NaN)))
}

const sampling = { temperature: 1, top_p: 0.95, top_k: 40, min_p: 0.02, seed: 1234 }
const engineSampling = { temperature: 1, topP: 0.95, topK: 40, minP: 0.02, seed: 1234 }
const question = 'What is a token?'

describe('the OpenAI-compatible API, through the official openai client', () => {
  it('lists the loaded model', async () => {
    const models = await client.models.list()
    expect(models.data.map((m) => m.id)).toEqual(['tokenscope-demo.gguf'])
  })

  it('completes with log-probabilities equal to the engine’s model probabilities', async () => {
    const completion = await client.completions.create({
      model: 'tokenscope-demo.gguf',
      prompt: 'A token is',
      max_tokens: 12,
      logprobs: 20,
      ...sampling,
    })
    const choice = completion.choices[0]
    const logprobs = choice?.logprobs
    if (!choice || !logprobs?.tokens || !logprobs.token_logprobs || !logprobs.top_logprobs)
      throw new Error('no log-probabilities')

    const engine = await runOverWebSocket({
      prompt: 'A token is',
      sampling: engineSampling,
      maxTokens: 12,
      topN: 20,
    })
    expect(choice.text).toBe(engine.text)
    expect(logprobs.tokens).toEqual(engine.tokens.map((t) => t.text))
    engine.tokens.forEach((token, i) => {
      close(logprobs.token_logprobs?.[i] ?? NaN, Math.log(token.modelProb))
      const top = logprobs.top_logprobs?.[i] ?? {}
      // A text shared by two alternatives is one key: the likelier one's.
      const seen = new Set<string>()
      const firsts = token.alternatives.filter((a) => !seen.has(a.text) && seen.add(a.text))
      expect(Object.keys(top).sort()).toEqual(firsts.map((a) => a.text).sort())
      firsts.forEach((a) => close(top[a.text] ?? NaN, Math.log(a.modelProb)))
    })
    expect(completion.usage).toEqual({
      prompt_tokens: engine.started?.prompt.length,
      completion_tokens: 12,
      total_tokens: (engine.started?.prompt.length ?? 0) + 12,
    })
    expect(choice.finish_reason).toBe('length')
  })

  it('streams the same completion, chunk by chunk, for the same seed', async () => {
    const request = {
      model: 'tokenscope-demo.gguf',
      prompt: 'A token is',
      max_tokens: 12,
      logprobs: 20,
      ...sampling,
    }
    const whole = await client.completions.create(request)
    const stream = await client.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    const logprobs: number[] = []
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | undefined
    let chunks = 0
    for await (const chunk of stream) {
      chunks++
      if (chunk.usage) usage = chunk.usage
      const choice = chunk.choices[0]
      if (!choice) continue
      text += choice.text
      logprobs.push(...(choice.logprobs?.token_logprobs ?? []))
      finish = choice.finish_reason ?? finish
    }
    expect(chunks).toBeGreaterThan(2)
    expect(text).toBe(whole.choices[0]?.text)
    expect(logprobs).toEqual(whole.choices[0]?.logprobs?.token_logprobs)
    expect(finish).toBe('length')
    expect(usage).toEqual(whole.usage)
  })

  it('chats with the model’s template, the reasoning apart, log-probabilities the engine’s', async () => {
    const chat = await client.chat.completions.create({
      model: 'tokenscope-demo.gguf',
      messages: [{ role: 'user', content: question }],
      max_tokens: 60,
      logprobs: true,
      top_logprobs: 20,
      ...sampling,
    })
    const choice = chat.choices[0]
    const message = choice?.message as
      (OpenAI.ChatCompletionMessage & { reasoning_content?: string }) | undefined
    const logprobs = choice?.logprobs as
      | (OpenAI.ChatCompletion.Choice.Logprobs & {
          reasoning_content?: OpenAI.ChatCompletionTokenLogprob[]
        })
      | undefined
    if (!choice || !message || !logprobs?.content) throw new Error('no reply')

    const engine = await runOverWebSocket({
      chat: { messages: [{ role: 'user', content: question }] },
      sampling: engineSampling,
      maxTokens: 60,
      topN: 20,
    })
    const thought = engine.tokens.filter((t) => t.segment === 'thought')
    let answer = engine.tokens.filter((t) => t.segment !== 'thought')
    expect(thought.length).toBeGreaterThan(2)
    expect(engine.started?.parts.template).not.toBeNull()
    // The end-of-turn token that ended the reply is no part of it.
    if (engine.ended?.reason === 'end-of-generation') answer = answer.slice(0, -1)

    expect(message.reasoning_content).toBe(
      thought
        .filter((t) => !/^<\/?think>$/.test(t.text.trim()))
        .map((t) => t.text)
        .join('')
        .trim(),
    )
    expect(message.content).toBe(answer.map((t) => t.text).join(''))
    expect(logprobs.reasoning_content?.map((t) => t.token)).toEqual(thought.map((t) => t.text))
    expect(logprobs.content.map((t) => t.token)).toEqual(answer.map((t) => t.text))
    const reported = [...(logprobs.reasoning_content ?? []), ...logprobs.content]
    ;[...thought, ...answer].forEach((token, i) => {
      const entry = reported[i]
      if (!entry) throw new Error(`token ${i} was not reported`)
      close(entry.logprob, Math.log(token.modelProb))
      expect(entry.top_logprobs).toHaveLength(20)
      expectAlternatives(entry.top_logprobs, token, 20)
      expect(Buffer.from(entry.bytes ?? []).toString('utf8')).toBe(token.text)
    })
    expect(chat.usage?.prompt_tokens).toBe(engine.started?.prompt.length)
    expect(chat.usage?.completion_tokens).toBe(engine.tokens.length)
  })

  it('streams the same chat reply for the same seed', async () => {
    const request = {
      model: 'tokenscope-demo.gguf',
      messages: [{ role: 'user' as const, content: question }],
      max_tokens: 60,
      logprobs: true,
      top_logprobs: 5,
      ...sampling,
    }
    const whole = await client.chat.completions.create(request)
    const stream = await client.chat.completions.create({ ...request, stream: true })
    let content = ''
    let reasoning = ''
    const logprobs: number[] = []
    let finish: string | null = null
    for await (const chunk of stream) {
      const choice = chunk.choices[0]
      if (!choice) continue
      const delta = choice.delta as typeof choice.delta & { reasoning_content?: string }
      content += delta.content ?? ''
      reasoning += delta.reasoning_content ?? ''
      logprobs.push(...(choice.logprobs?.content ?? []).map((t) => t.logprob))
      finish = choice.finish_reason ?? finish
    }
    const message = whole.choices[0]?.message as OpenAI.ChatCompletionMessage & {
      reasoning_content?: string
    }
    expect(content).toBe(message.content)
    expect(reasoning).toBe(message.reasoning_content)
    expect(logprobs).toEqual(whole.choices[0]?.logprobs?.content?.map((t) => t.logprob))
    expect(finish).toBe(whole.choices[0]?.finish_reason)
  })

  it('reproduces a run from its seed, and gives n choices from one batch', async () => {
    const request = {
      model: 'm',
      prompt: 'The sampler chain',
      max_tokens: 16,
      ...sampling,
      temperature: 1.5,
    }
    const first = await client.completions.create(request)
    const again = await client.completions.create(request)
    expect(again.choices[0]?.text).toBe(first.choices[0]?.text)

    const three = await client.completions.create({ ...request, n: 3 })
    expect(three.choices.map((c) => c.index)).toEqual([0, 1, 2])
    // Choice i is the run with seed + i: the first is the single run above.
    expect(three.choices[0]?.text).toBe(first.choices[0]?.text)
    const second = await client.completions.create({ ...request, seed: sampling.seed + 1 })
    expect(three.choices[1]?.text).toBe(second.choices[0]?.text)
    expect(three.usage?.completion_tokens).toBe(48)

    const chats = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: question }],
      max_tokens: 8,
      n: 3,
      ...sampling,
    })
    expect(chats.choices.map((c) => c.index)).toEqual([0, 1, 2])
  })

  it('records each request as a session the app opens like its own', async () => {
    const content = 'Record this chat, please.'
    const chat = await client.chat.completions.create({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content },
      ],
      max_tokens: 12,
      n: 2,
      ...sampling,
    })
    await expect
      .poll(async () => (await bridge.listSessions()).find((s) => s.title === `API: ${content}`))
      .toBeDefined()
    const found = (await bridge.listSessions()).find((s) => s.title === `API: ${content}`)
    expect(found?.kind).toBe('chat')
    const saved = await bridge.loadSession({ id: found?.id ?? '' })
    expect(saved.system).toBe('Be brief.')
    const [user, ...replies] = saved.nodes
    expect(user).toMatchObject({ role: 'user', text: content, parentId: null })
    expect(replies.map((r) => [r.role, r.parentId])).toEqual([
      ['assistant', user?.id],
      ['assistant', user?.id],
    ])
    // Recorded by the host as the tokens passed: complete once the run has ended.
    await expect
      .poll(async () => {
        const doc = await bridge.loadSession({ id: found?.id ?? '' })
        return doc.nodes.slice(1).map((n) => n.run?.tokens.length ?? 0)
      })
      .toEqual([12, 12])
    const doc = await bridge.loadSession({ id: found?.id ?? '' })
    doc.nodes.slice(1).forEach((node, i) => {
      expect(node.run?.stopReason).toBe('max-tokens')
      expect(node.run?.sampling.seed).toBe(sampling.seed + i)
      const message = chat.choices[i]?.message as { content: string; reasoning_content?: string }
      const text = node.run?.tokens.filter((t) => t.segment !== 'thought').map((t) => t.text)
      expect(text?.join('')).toBe(message.content)
    })
  })

  it('tells the UI (the Server panel) its address and request log, with tokens and speed', async () => {
    await client.completions.create({ model: 'm', prompt: 'A token is', max_tokens: 5, seed: 3 })
    // The log line is written once the answer is out.
    await expect
      .poll(async () => (await bridge.getApiServer()).requests[0]?.completionTokens)
      .toBe(5)
    const status = await bridge.getApiServer()
    expect(status).toMatchObject({ state: 'listening', url: serve.api?.url, recording: true })
    expect(status.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/completions',
      status: 200,
      completionTokens: 5,
    })
    expect(status.requests[0]?.promptTokens).toBeGreaterThan(0)
    expect(status.requests[0]?.tokensPerSecond).toBeGreaterThan(0)
  })

  it('ends the text before a stop sequence', async () => {
    const request = { model: 'm', prompt: 'A token is', max_tokens: 24, ...sampling }
    const free = await client.completions.create(request)
    const text = free.choices[0]?.text ?? ''
    const stop = text.slice(6, 9)
    expect(stop.length).toBe(3)
    const stopped = await client.completions.create({ ...request, stop: [stop] })
    expect(stopped.choices[0]?.text).toBe(text.slice(0, text.indexOf(stop)))
    expect(stopped.choices[0]?.finish_reason).toBe('stop')
  })
})

/** A raw request, for what the client does not let us send. */
function rawRequest(options: {
  path: string
  method?: string
  headers?: Record<string, string>
  body?: string
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: serve.api?.port,
        path: options.path,
        method: options.method ?? 'POST',
        headers: { Authorization: `Bearer ${serve.api?.key}`, ...options.headers },
      },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error
    throw error
  }
  throw new Error('the request succeeded')
}

describe('what the API refuses', () => {
  it('a wrong key (401) and a foreign Host (403)', async () => {
    const stranger = new OpenAI({ baseURL: serve.api?.url, apiKey: 'ts-wrong', maxRetries: 0 })
    const error = await refusal(stranger.models.list())
    expect(error.status).toBe(401)
    expect(error.code).toBe('invalid_api_key')

    const foreign = await rawRequest({
      path: '/v1/models',
      method: 'GET',
      headers: { Host: 'evil.example' },
    })
    expect(foreign.status).toBe(403)
    expect(JSON.parse(foreign.body).error.message).toMatch(/Host/)
    const crossSite = await rawRequest({
      path: '/v1/models',
      method: 'GET',
      headers: { Origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
  })

  it('out-of-range values, with a readable 400', async () => {
    const base = { model: 'm', messages: [{ role: 'user' as const, content: 'Hi' }] }
    const cold = await refusal(client.chat.completions.create({ ...base, temperature: -1 }))
    expect(cold.status).toBe(400)
    expect(cold.message).toMatch(/temperature: Too small: expected number to be >=0/)
    const many = await refusal(
      client.chat.completions.create({ ...base, logprobs: true, top_logprobs: 21 }),
    )
    expect(many.message).toMatch(/top_logprobs: at most 20 .* n_probs/)
    const wide = await refusal(client.completions.create({ model: 'm', prompt: 'Hi', n: 9 }))
    expect(wide.message).toMatch(/n: Too big: expected number to be <=4/)
  })

  it('a prompt longer than the context, with the token counts', async () => {
    const prompt = 'token '.repeat(6000)
    const error = await refusal(client.completions.create({ model: 'm', prompt, max_tokens: 4 }))
    expect(error.status).toBe(400)
    expect(error.code).toBe('context_length_exceeded')
    expect(error.message).toMatch(/The prompt is \d+ tokens but the context holds \d+/)

    const messages = Array.from({ length: 400 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: 'a few words about tokens and their probabilities, again and again',
    }))
    const chat = await refusal(
      client.chat.completions.create({ model: 'm', messages, max_tokens: 100 }),
    )
    expect(chat.status).toBe(400)
    expect(chat.code).toBe('context_length_exceeded')
    expect(chat.message).toMatch(/context holds \d+ tokens, 100 of them are kept for the reply/)
  })

  it('malformed bodies, without harm to the host', async () => {
    const notJson = await rawRequest({ path: '/v1/completions', body: '{"model": ' })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/)
    const huge = await rawRequest({
      path: '/v1/completions',
      body: JSON.stringify({ model: 'm', prompt: 'x'.repeat(5 * 1024 * 1024) }),
    }).catch((error: NodeJS.ErrnoException) => {
      // The host answers 413 and closes before reading the rest: the client may see its own
      // write fail instead of the answer.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') throw error
      return { status: 413, body: '' }
    })
    expect(huge.status).toBe(413)
    const wrongType = await rawRequest({ path: '/v1/chat/completions', body: '[1, 2]' })
    expect(wrongType.status).toBe(400)
    expect((await client.models.list()).data).toHaveLength(1)
  })

  it('a second run while one is going (503), and stops a run whose client went away', async () => {
    const endless = { model: 'm', prompt: 'A token is', max_tokens: 8000, temperature: 0, seed: 1 }
    const before = events.length
    const controller = new AbortController()
    const stream = await client.completions.create(
      { ...endless, stream: true },
      { signal: controller.signal },
    )
    const iterator = stream[Symbol.asyncIterator]()
    await iterator.next()

    const busy = await refusal(
      client.completions.create({ model: 'm', prompt: 'Hi', max_tokens: 2 }),
    )
    expect(busy.status).toBe(503)
    expect(busy.code).toBe('engine_busy')
    expect(busy.message).toMatch(/Another run is in progress/)

    controller.abort()
    await iterator.next().catch(() => undefined)
    // The abandoned run is cancelled: the engine takes the next one.
    await expect
      .poll(
        () =>
          client.completions.create({ model: 'm', prompt: 'Hi', max_tokens: 2 }).then(
            (c) => c.choices.length,
            () => 0,
          ),
        { timeout: 30_000 },
      )
      .toBe(1)
    const ends = events.slice(before).filter((e) => e.kind === 'ended')
    expect(ends[0]).toMatchObject({ kind: 'ended', reason: 'cancelled' })
  })
})
