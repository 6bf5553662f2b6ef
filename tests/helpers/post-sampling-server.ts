import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small OpenAI-compatible server that streams a fixed reply in llama-server's shape for
 * `post_sampling_probs: true` (`prob` and `top_probs`, token ids): what Tokenscope's own API does
 * not serve. It records the bodies it was sent, so a test can see what was asked.
 */
export interface ScriptedToken {
  id: number
  text: string
  /** The sampling probability of the chosen token and its alternatives (0: cut by the sampler). */
  top: { id: number; text: string; prob: number }[]
}

export const postSamplingScript: ScriptedToken[] = [
  {
    id: 10,
    text: ' A',
    top: [
      { id: 10, text: ' A', prob: 0.625 },
      { id: 11, text: ' The', prob: 0.375 },
      { id: 12, text: ' One', prob: 0 },
    ],
  },
  {
    id: 20,
    text: ' token',
    top: [
      { id: 20, text: ' token', prob: 1 },
      { id: 21, text: ' word', prob: 0 },
    ],
  },
  {
    id: 30,
    text: ' is',
    top: [
      { id: 31, text: ' means', prob: 0.5 },
      { id: 30, text: ' is', prob: 0.25 },
      { id: 32, text: ' was', prob: 0.25 },
    ],
  },
  {
    id: 40,
    text: ' a',
    top: [
      { id: 40, text: ' a', prob: 0.875 },
      { id: 41, text: ' the', prob: 0.125 },
    ],
  },
  {
    id: 50,
    text: ' piece',
    top: [
      { id: 50, text: ' piece', prob: 0.75 },
      { id: 51, text: ' part', prob: 0.25 },
    ],
  },
  {
    id: 60,
    text: '.',
    top: [
      { id: 60, text: '.', prob: 0.5 },
      { id: 61, text: ' of', prob: 0.5 },
    ],
  },
]

export const postSamplingModel = 'post-sampler'

const bytes = (text: string) => [...Buffer.from(text, 'utf8')]

function entry(token: ScriptedToken) {
  const chosen = token.top.find((t) => t.id === token.id)?.prob ?? 0
  return {
    id: token.id,
    token: token.text,
    bytes: bytes(token.text),
    prob: chosen,
    top_probs: token.top.map((t) => ({
      id: t.id,
      token: t.text,
      bytes: bytes(t.text),
      prob: t.prob,
    })),
  }
}

function chunk(kind: 'chat' | 'completion', token: ScriptedToken, last: boolean) {
  const finish = last ? 'stop' : null
  const logprobs = { content: [entry(token)] }
  return kind === 'chat'
    ? {
        object: 'chat.completion.chunk',
        model: postSamplingModel,
        choices: [{ index: 0, delta: { content: token.text }, logprobs, finish_reason: finish }],
      }
    : {
        object: 'text_completion',
        model: postSamplingModel,
        choices: [{ index: 0, text: token.text, logprobs, finish_reason: finish }],
      }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = ''
  for await (const piece of request) text += String(piece)
  return JSON.parse(text) as unknown
}

export async function startPostSamplingServer() {
  const bodies: Record<string, unknown>[] = []
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/v1/models') {
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: postSamplingModel, object: 'model', owned_by: 'test' }],
        }),
      )
      return
    }
    const kind =
      request.url === '/v1/chat/completions'
        ? 'chat'
        : request.url === '/v1/completions'
          ? 'completion'
          : null
    if (request.method !== 'POST' || !kind) {
      response.statusCode = 404
      response.end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    void readBody(request).then((body) => {
      bodies.push(body as Record<string, unknown>)
      response.setHeader('content-type', 'text/event-stream')
      postSamplingScript.forEach((token, i) => {
        const data = chunk(kind, token, i === postSamplingScript.length - 1)
        response.write(`data: ${JSON.stringify(data)}\n\n`)
      })
      const usage = {
        prompt_tokens: 5,
        completion_tokens: postSamplingScript.length,
        total_tokens: 5 + postSamplingScript.length,
      }
      response.write(`data: ${JSON.stringify({ choices: [], usage })}\n\ndata: [DONE]\n\n`)
      response.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    bodies,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
