import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import { toAppError } from '../../src/shared/errors'
import type { GenerateRequest } from '../../src/shared/schemas'
import { demoModelPath, summarize } from '../helpers/engine-harness'
import { loadOracle } from '../helpers/oracle'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { startLlamaServer } from '../helpers/llama-server'
import { connectBridge } from '../helpers/ws-bridge'

/*
 * A remote engine as a user gets one: this host (`local`) runs chat on an OpenAI-compatible
 * server (`peer`), and its chips must hold exactly the log-probabilities that server reports.
 * In `npm test` the peer is another Tokenscope (`serve --api`); `npm run test:peer` sets
 * TOKENSCOPE_PEER=llama-server and runs the same tests against llama.cpp's own server.
 */

interface Peer {
  url: string
  key: string
  model: string
  /** Tokenscope's API answers /v1/models only with the key; llama-server lists models to anyone. */
  keyGuardsModels: boolean
  kill(): Promise<void>
  stop(): Promise<void>
}

async function startPeer(): Promise<Peer> {
  if (process.env.TOKENSCOPE_PEER === 'llama-server') {
    const server = await startLlamaServer()
    return { ...server, keyGuardsModels: false }
  }
  const serve = await startServe({ args: ['--api', '--api-port', '0', '--model', 'demo'] })
  if (!serve.api?.key) throw new Error(`the peer printed no API key:\n${serve.output()}`)
  return {
    url: serve.api.url,
    key: serve.api.key,
    model: 'tokenscope-demo.gguf',
    keyGuardsModels: true,
    kill: () => serve.kill(),
    stop: () => serve.stop(),
  }
}

let peer: Peer
let local: ServeProcess
let bridge: Awaited<ReturnType<typeof connectBridge>>
const events: RunEvent[] = []
let runCounter = 0

beforeAll(async () => {
  ;[peer, local] = await Promise.all([startPeer(), startServe()])
  bridge = await connectBridge(local)
  bridge.subscribe({ onRunEvent: (event) => events.push(event) })
})
afterAll(async () => {
  bridge?.disconnect()
  await Promise.all([peer?.stop(), local?.stop()])
})

async function addPeer(key = peer.key) {
  return bridge.addRemoteEndpoint({ url: peer.url, key })
}

/** The run's events summarised, once it has ended or failed. */
async function untilDone(runId: string) {
  await expect
    .poll(() =>
      events.some((e) => e.runId === runId && (e.kind === 'ended' || e.kind === 'failed')),
    )
    .toBe(true)
  return summarize(events.filter((e) => e.runId === runId))
}

async function remoteRun(change: Omit<GenerateRequest, 'runId'>) {
  const runId = `remote-${++runCounter}`
  await bridge.generate({ runId, ...change })
  return untilDone(runId)
}

/** A remote run that will not end by itself soon, once a few batches of it have arrived. */
async function longRemoteRun() {
  const endpoint = await addPeer()
  const runId = `remote-${++runCounter}`
  await bridge.generate({
    runId,
    prompt: 'A token is',
    // Greedy on the demo model circles through its corpus without ending, so the run is long.
    sampling: { ...sampling, temperature: 0 },
    maxTokens: 8192,
    topN: 20,
    remote: { endpointId: endpoint.id, model: peer.model },
  })
  await expect
    .poll(() => events.filter((e) => e.runId === runId && e.kind === 'tokens').length)
    .toBeGreaterThan(2)
  return runId
}

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => toAppError(error),
  )

const sampling = { temperature: 1, topP: 0.95, topK: 40, minP: 0.02, seed: 77 }
const question = 'What is a token?'

/**
 * The remote engine's request sent straight to the server (seed 77, top 20), streamed: every
 * token entry it reports, a thought's first. `extra` holds llama-server's own fields.
 */
async function serverTokens<Entry>(maxTokens: number, extra: object): Promise<Entry[]> {
  const client = new OpenAI({ baseURL: peer.url, apiKey: peer.key, maxRetries: 0 })
  const stream = await client.chat.completions.create({
    model: peer.model,
    messages: [{ role: 'user', content: question }],
    max_tokens: maxTokens,
    logprobs: true,
    top_logprobs: 20,
    temperature: 1,
    top_p: 0.95,
    seed: 77,
    stream: true,
    // llama-server's fields, which the openai client passes through.
    ...extra,
  })
  const reported: Entry[] = []
  for await (const chunk of stream) {
    const logprobs = chunk.choices[0]?.logprobs as
      { content?: Entry[] | null; reasoning_content?: Entry[] } | null | undefined
    reported.push(...(logprobs?.reasoning_content ?? []), ...(logprobs?.content ?? []))
  }
  return reported
}

describe('a remote engine (another Tokenscope’s API)', () => {
  it('lists the peer’s models, keeping its key to itself', async () => {
    const endpoint = await addPeer()
    expect(endpoint.url).toBe(peer.url)
    expect(endpoint.keyHint).toBe(peer.key.slice(-4))
    expect(JSON.stringify(await bridge.listRemoteEndpoints())).not.toContain(peer.key)
    const list = await bridge.listRemoteModels({ endpointId: endpoint.id })
    expect(list.models.map((m) => m.id)).toEqual([peer.model])
  })

  it('streams chat chips whose probabilities are the server’s log-probabilities', async () => {
    const endpoint = await addPeer()
    const run = await remoteRun({
      chat: { messages: [{ role: 'user', content: question }] },
      sampling,
      maxTokens: 40,
      topN: 20,
      remote: { endpointId: endpoint.id, model: peer.model },
    })
    expect(run.failed).toBeNull()
    expect(run.tokens.length).toBeGreaterThan(5)

    // The same request straight to the server, streamed as the remote engine asks for it: the
    // same seed gives the same tokens. (A server need not stream every token it would list in a
    // whole reply: llama-server leaves out the end of a thought and the end-of-text token.)
    const reported = await serverTokens<OpenAI.ChatCompletionTokenLogprob>(40, {
      top_k: 40,
      min_p: 0.02,
    })
    expect(run.tokens.map((t) => t.text)).toEqual(reported.map((r) => r.token))
    run.tokens.forEach((token, i) => {
      const entry = reported[i]!
      expect(Math.abs(token.modelProb - Math.exp(entry.logprob))).toBeLessThanOrEqual(1e-6)
      expect(token.reported).toMatchObject({ modelProb: true, samplingProb: false, entropy: false })
      expect(token.alternatives.map((a) => a.text)).toEqual(entry.top_logprobs.map((a) => a.token))
      token.alternatives.forEach((a, k) =>
        expect(
          Math.abs(a.modelProb - Math.exp(entry.top_logprobs[k]!.logprob)),
        ).toBeLessThanOrEqual(1e-6),
      )
    })
    // The demo model thinks first: its thought's tokens are marked as such, from either server.
    expect(run.tokens.some((t) => t.segment === 'thought')).toBe(true)
    expect(run.started?.prompt).toEqual([])
  })

  it('reads a server that reports after sampling as sampling probabilities', async () => {
    const endpoint = await bridge.addRemoteEndpoint({
      url: peer.url,
      key: peer.key,
      probabilities: 'sampling',
    })
    expect(endpoint.probabilities).toBe('sampling')
    const narrow = { ...sampling, topK: 3 }
    const run = await remoteRun({
      chat: { messages: [{ role: 'user', content: question }] },
      sampling: narrow,
      maxTokens: 24,
      topN: 20,
      remote: { endpointId: endpoint.id, model: peer.model },
    })
    expect(run.failed).toBeNull()
    // The same request straight to the server, as the remote engine sends it.
    type Reported = { token: string; prob?: number; logprob?: number }
    type Entry = Reported & { top_probs?: Reported[]; top_logprobs?: Reported[] }
    const reported = await serverTokens<Entry>(24, {
      top_k: 3,
      min_p: 0.02,
      post_sampling_probs: true,
    })
    // llama-server answers `post_sampling_probs` with `prob`; a server that ignores it, `logprob`.
    const p = (r: Reported) => r.prob ?? Math.exp(r.logprob!)
    const llamaServer = process.env.TOKENSCOPE_PEER === 'llama-server'
    expect(reported.every((r) => (r.prob !== undefined) === llamaServer)).toBe(true)
    expect(run.tokens.map((t) => t.text)).toEqual(reported.map((r) => r.token))
    run.tokens.forEach((token, i) => {
      const entry = reported[i]!
      const tops = entry.top_probs ?? entry.top_logprobs ?? []
      expect(token.reported).toMatchObject({ modelProb: false, samplingProb: true })
      expect(token.modelProb).toBe(0)
      expect(Math.abs(token.samplingProb - p(entry))).toBeLessThanOrEqual(1e-6)
      expect(token.alternatives.map((a) => a.text)).toEqual(tops.map((a) => a.token))
      token.alternatives.forEach((a, k) => {
        expect(a.modelProb).toBe(0)
        expect(Math.abs(a.samplingProb - p(tops[k]!))).toBeLessThanOrEqual(1e-6)
      })
      // After top-k 3 the sampler's distribution has at most three tokens, and they hold it all.
      if (llamaServer) {
        expect(token.alternatives.length).toBeLessThanOrEqual(3)
        const mass = token.alternatives.reduce((sum, a) => sum + a.samplingProb, 0)
        expect(Math.abs(mass - 1)).toBeLessThanOrEqual(1e-3)
      }
    })
  })

  it('holds the demo model’s exact probabilities through the server (≤ 1e-3)', async () => {
    const oracle = loadOracle(demoModelPath)
    // The local model only tokenizes here, to name tokens a server sends without ids.
    await bridge.loadModel({ source: { kind: 'demo' } })
    const endpoint = await addPeer()
    const prompt = 'A token is'
    const run = await remoteRun({
      prompt,
      sampling: { ...sampling, temperature: 0 },
      maxTokens: 12,
      topN: 20,
      remote: { endpointId: endpoint.id, model: peer.model },
    })
    expect(run.failed).toBeNull()
    expect(run.tokens).toHaveLength(12)
    const single = async (text: string) => {
      const ids = await bridge.tokenize({ text })
      return ids.length === 1 ? ids[0]!.id : null
    }
    let previous = (await bridge.tokenize({ text: prompt })).at(-1)!.id
    for (const token of run.tokens) {
      const id = token.reported?.tokenId ? token.id : await single(token.text)
      if (id === null) throw new Error(`no single id for ${JSON.stringify(token.text)}`)
      const exact = oracle.probs(previous)
      expect(Math.abs(token.modelProb - exact[id]!)).toBeLessThanOrEqual(1e-3)
      previous = id
    }
  })

  it('refuses a wrong key with a readable error', async () => {
    const endpoint = await addPeer('ts-not-the-key')
    if (peer.keyGuardsModels) {
      const listing = await errorOf(bridge.listRemoteModels({ endpointId: endpoint.id }))
      expect(listing.code).toBe('remote-refused')
      expect(listing.message).toMatch(/refused the key \(401\)/)
    }
    const run = await errorOf(
      bridge.generate({
        runId: `remote-${++runCounter}`,
        prompt: 'A token is',
        sampling,
        maxTokens: 4,
        topN: 5,
        remote: { endpointId: endpoint.id, model: peer.model },
      }),
    )
    expect(run.code).toBe('remote-refused')
    expect(run.message).toMatch(/refused the key \(401\)/)
  })

  it('says when a server cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo
        server.close(() => resolve(port))
      })
    })
    const endpoint = await bridge.addRemoteEndpoint({ url: `http://127.0.0.1:${port}/v1` })
    const error = await errorOf(bridge.listRemoteModels({ endpointId: endpoint.id }))
    expect(error.code).toBe('remote-unreachable')
    expect(error.message).toMatch(
      new RegExp(`^Could not reach http://127\\.0\\.0\\.1:${port}/v1: the connection was refused`),
    )
    expect(error.hint).toBeTruthy()
  })

  it('says when a server streams no log-probabilities, or does not know the model', async () => {
    // What a server that ignores `logprobs` (or serves other models) answers, as vLLM words it.
    const server = createHttpServer((request, response) => {
      if (request.url?.endsWith('/models')) {
        response.writeHead(200, { 'Content-Type': 'application/json' })
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'plain', owned_by: 'me' }] }))
        return
      }
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        if ((JSON.parse(body) as { model: string }).model !== 'plain') {
          response.writeHead(404, { 'Content-Type': 'application/json' })
          const message = 'The model `elsewhere` does not exist.'
          response.end(JSON.stringify({ error: { message, code: 'model_not_found' } }))
          return
        }
        response.writeHead(200, { 'Content-Type': 'text/event-stream' })
        const delta = { role: 'assistant', content: 'Hello' }
        response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`)
        response.end('data: [DONE]\n\n')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const endpoint = await bridge.addRemoteEndpoint({ url: `http://127.0.0.1:${port}` })
      expect(endpoint.url).toBe(`http://127.0.0.1:${port}/v1`)
      const chat = (model: string) =>
        bridge.generate({
          runId: `remote-${++runCounter}`,
          chat: { messages: [{ role: 'user', content: question }] },
          sampling,
          maxTokens: 8,
          topN: 5,
          remote: { endpointId: endpoint.id, model },
        })
      const unknown = await errorOf(chat('elsewhere'))
      expect(unknown.code).toBe('remote-model-unknown')
      expect(unknown.message).toMatch(/does not serve the model "elsewhere"/)

      const runId = `remote-${runCounter + 1}`
      await chat('plain')
      await expect
        .poll(() => events.find((e) => e.runId === runId && e.kind === 'failed'))
        .toBeTruthy()
      const failed = events.find((e) => e.runId === runId && e.kind === 'failed')
      expect(failed?.kind === 'failed' && failed.error.code).toBe('remote-no-logprobs')
      expect(failed?.kind === 'failed' && failed.error.message).toMatch(
        /streamed text without log-probabilities/,
      )
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('stops a streaming run when it is cancelled, keeping its tokens', async () => {
    const runId = await longRemoteRun()
    await bridge.cancel({ runId })
    const run = await untilDone(runId)
    expect(run.ended?.reason).toBe('cancelled')
    expect(run.tokens.length).toBeGreaterThan(2)
    expect(run.tokens.length).toBeLessThan(8192)
  })

  it('keeps the partial run, with a message, when the server dies mid-stream', async () => {
    const runId = await longRemoteRun()
    await peer.kill()
    const run = await untilDone(runId)
    expect(run.ended?.reason ?? null).toBeNull()
    expect(run.tokens.length).toBeGreaterThan(2)
    expect(run.failed?.error.code).toBe('remote-failed')
    expect(run.failed?.error.message).toMatch(
      /was cut after \d+ tokens .*the partial reply is kept/,
    )
    // The host lives on and answers.
    expect((await bridge.listRemoteEndpoints()).length).toBeGreaterThan(0)
  })
})
