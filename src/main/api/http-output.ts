import type { ServerResponse } from 'node:http'
import type { ApiError } from './api-errors'
import type { ChoiceDelta } from './choice-text'
import type { ApiPlan } from './request-mapping'
import {
  chatChoiceLogprobs,
  completionLogprobs,
  type FinishReason,
  type Usage,
} from './response-shapes'

/** A JSON answer, unless the response has started (then it is only ended). */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (response.headersSent) return void response.end()
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  })
  response.end(JSON.stringify(body))
}

/** Server-sent events in OpenAI's chunk format, ending with `data: [DONE]`. */
export class ChunkWriter {
  private opened = false
  private readonly pending: string[] = []

  constructor(
    private readonly response: ServerResponse,
    private readonly head: Record<string, unknown>,
    private readonly kind: 'completion' | 'chat',
    private readonly plan: ApiPlan,
  ) {}

  /** Writes the headers and whatever arrived before; events go out as they come from now on. */
  open() {
    this.response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    })
    this.opened = true
    if (this.kind === 'chat') {
      this.plan.runs.forEach((_, index) =>
        this.send({
          index,
          delta: { role: 'assistant', content: '' },
          logprobs: null,
          finish_reason: null,
        }),
      )
    }
    this.pending.splice(0).forEach((data) => this.response.write(data))
  }

  delta(index: number, delta: ChoiceDelta, offset: number) {
    const tokens = delta.contentTokens.length + delta.reasoningTokens.length
    if (tokens === 0 && delta.content === '' && delta.reasoning === '') return
    const count = this.plan.logprobs
    if (this.kind === 'completion') {
      this.send({
        index,
        text: delta.content,
        logprobs: count === null ? null : completionLogprobs(delta.contentTokens, count, offset),
        finish_reason: null,
      })
      return
    }
    this.send({
      index,
      delta: {
        ...(delta.content !== '' ? { content: delta.content } : {}),
        ...(delta.reasoning !== '' ? { reasoning_content: delta.reasoning } : {}),
      },
      logprobs: count === null ? null : chatChoiceLogprobs(delta, count),
      finish_reason: null,
    })
  }

  finish(index: number, reason: FinishReason) {
    this.send(
      this.kind === 'completion'
        ? { index, text: '', logprobs: null, finish_reason: reason }
        : { index, delta: {}, logprobs: null, finish_reason: reason },
    )
  }

  close(failure: ApiError | null, usage: Usage | null) {
    if (failure) this.write(failure.body)
    else if (usage) this.write({ ...this.head, choices: [], usage })
    this.response.end('data: [DONE]\n\n')
  }

  private send(choice: Record<string, unknown>) {
    this.write({ ...this.head, choices: [choice] })
  }

  private write(data: unknown) {
    const text = `data: ${JSON.stringify(data)}\n\n`
    if (!this.opened) this.pending.push(text)
    else if (!this.response.writableEnded && !this.response.destroyed) this.response.write(text)
  }
}
